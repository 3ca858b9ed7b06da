package dev.magpie.bench.load;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Opens many connections with at most {@code concurrency} attempts outstanding: a broker flooded with thousands of
 * simultaneous handshakes measures its accept queue, not its work, and a refused connection stops the whole batch
 * with the broker's reason.
 */
final class Dialer {

    /** What connection {@code i} says and where its deliveries go. */
    interface Plan {
        BenchConnection.Spec spec(int i);

        BenchConnection.DeliverySink sink(int i);
    }

    private Dialer() {
    }

    /**
     * Opens connections {@code first .. first + count - 1} (the index also picks the source address) and waits up to
     * {@code timeoutSeconds} for all; {@code onStart} is called as attempt i starts and returns what to run once it is ready (to time it).
     * The list is in index order.
     */
    static List<BenchConnection> openAll(Connector connector, int first, int count, int concurrency, Plan plan,
                                         IntFunction<Runnable> onStart, long timeoutSeconds) {
        BenchConnection[] opened = new BenchConnection[count];
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        if (count == 0) {
            return List.of();
        }
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= count || all.isDone()) {
                return;
            }
            Runnable finished = onStart.apply(first + i);
            connector.open(first + i, plan.spec(first + i), plan.sink(first + i)).whenComplete((c, error) -> {
                if (error != null) {
                    all.completeExceptionally(error);
                    return;
                }
                finished.run();
                opened[i] = c;
                if (done.incrementAndGet() == count) {
                    all.complete(null);
                } else {
                    launch[0].run();
                }
            });
        };
        for (int k = 0; k < Math.min(concurrency, count); k++) {
            launch[0].run();
        }
        try {
            all.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("connecting failed after " + done.get() + " of " + count + " connections: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("only " + done.get() + " of " + count + " connections ready within "
                    + timeoutSeconds + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting", e);
        }
        return List.of(opened);
    }

    /** Disconnects all and waits (up to 5 s) until they are closed. */
    static void closeAll(List<BenchConnection> connections) {
        connections.forEach(c -> c.channel().eventLoop().execute(c::disconnect));
        try {
            CompletableFuture.allOf(connections.stream().map(BenchConnection::closed).toArray(CompletableFuture[]::new))
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            connections.forEach(c -> c.channel().close());
        }
    }
}
