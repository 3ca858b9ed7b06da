package dev.magpie.bench.routing;

import dev.magpie.routing.SubscriptionTree;

/**
 * Prints the heap retained by the one-million-subscription {@link SubscriptionMix}, to check the sizing goal
 * (1M subscriptions comfortably inside a 1 GiB heap). Run with
 * {@code java -Xmx1g -cp magpie-bench/target/benchmarks.jar dev.magpie.bench.routing.RoutingFootprint}.
 */
public final class RoutingFootprint {

    private RoutingFootprint() {
    }

    public static void main(String[] args) {
        long before = usedAfterGc();
        SubscriptionTree<Integer> tree = SubscriptionMix.build(42);
        long after = usedAfterGc();
        long bytes = after - before;
        System.out.printf("subscriptions: %,d%nretained heap: %,d bytes (%.1f MiB), %d bytes per subscription%n"
                        + "max heap: %.0f MiB%n",
                tree.size(), bytes, bytes / 1048576.0, bytes / tree.size(),
                Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
