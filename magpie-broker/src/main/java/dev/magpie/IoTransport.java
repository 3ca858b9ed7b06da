package dev.magpie;

/**
 * How the broker's I/O loops talk to the kernel (see {@link Broker.Builder#transport}).
 *
 * <pre>{@code
 * Broker.builder().listener(Listener.tcp("0.0.0.0", 1883)).transport(IoTransport.IO_URING).build().start();
 * }</pre>
 *
 * What each costs was measured with the project's load generator (docs/benchmarks.md, "io_uring"): io_uring submits
 * the writes of one loop turn together, which saves broker CPU when a message fans out to many subscribers, and
 * gives nothing for one-to-one traffic, so it is not the default.
 */
public enum IoTransport {
    /** Native epoll on Linux where its library loads, NIO elsewhere: the default. */
    AUTO,
    /** Native epoll; the broker does not start where it is not available. */
    EPOLL,
    /** Linux io_uring (kernel 5.14 or newer, not disabled by {@code kernel.io_uring_disabled}); the broker does not start without it. */
    IO_URING,
    /** The JDK's NIO selector, on every platform. */
    NIO
}
