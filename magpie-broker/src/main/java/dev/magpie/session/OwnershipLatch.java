package dev.magpie.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Opens when the broker's ownership of an inbound QoS 2 message is on disk. Until then a crash would undo it:
 * the restart forgets the packet id and drops the copies routed under this latch's {@link #token()}, the client
 * resends, and the message is routed again, once. So the copies for persistent sessions are not sent before the
 * latch opens (a client holding one would otherwise get it twice), and neither is the PUBREC.
 *
 * <p>Released once, from the store's writer thread or a loop; waiters run on the releasing thread and must only
 * hand work to their own thread.
 */
public final class OwnershipLatch {
    private final long token;
    private boolean released; // guarded by this
    private List<Runnable> waiters; // guarded by this

    /** {@code token} tags the stored copies of the message: unique for the life of the data directory. */
    public OwnershipLatch(long token) {
        this.token = token;
    }

    public long token() {
        return token;
    }

    /** Runs {@code task} once the latch is open: now if it is. */
    public void whenReleased(Runnable task) {
        synchronized (this) {
            if (!released) {
                if (waiters == null) {
                    waiters = new ArrayList<>(2);
                }
                waiters.add(task);
                return;
            }
        }
        task.run();
    }

    public synchronized boolean isReleased() {
        return released;
    }

    public void release() {
        List<Runnable> waiting;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            waiting = waiters;
            waiters = null;
        }
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
    }
}
