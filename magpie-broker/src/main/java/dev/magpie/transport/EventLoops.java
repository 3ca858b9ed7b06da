package dev.magpie.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import dev.magpie.BrokerException;
import dev.magpie.IoTransport;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import java.util.concurrent.TimeUnit;

/**
 * The broker's threads: a pool of I/O loops sized to the CPUs, which also accept the connections (each listener's
 * server socket lives on one of them). By default native epoll is used where the platform has it (fewer syscalls and
 * copies under load), NIO everywhere else; io_uring when asked for ({@link IoTransport}).
 *
 * <p>No separate acceptor thread: a new connection accepted by a thread of its own is handed over to an I/O loop
 * with a wake-up and a context switch each, which made the sequential connect rate 1.6x slower than mosquitto's on one
 * core (docs/benchmarks.md); accepting is a few microseconds of a loop's time.
 */
public final class EventLoops {
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannel;
    private final String transportName;

    /**
     * How many I/O loops to run: {@code configured} if positive, else one per CPU this process may use (a taskset or
     * container limit counts). The broker never blocks a loop, so more loops than cores only add hand-offs between
     * threads and context switches: measured with one core, two loops cost 20-30 % more CPU per delivery than one
     * (docs/benchmarks.md).
     */
    public static int threadsFor(int configured) {
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /** {@link IoTransport#AUTO} loops. */
    public EventLoops(int workerThreads) {
        this(workerThreads, IoTransport.AUTO);
    }

    /**
     * Fails unless this platform can run {@code transport}: epoll and io_uring need their native library and a kernel
     * that has them; AUTO and NIO always pass.
     *
     * @throws BrokerException naming the transport and why it cannot run
     */
    public static void checkAvailable(IoTransport transport) {
        if (transport == IoTransport.EPOLL && !Epoll.isAvailable()) {
            throw new BrokerException("transport epoll is not available here: " + Epoll.unavailabilityCause(), Epoll.unavailabilityCause());
        }
        if (transport == IoTransport.IO_URING && !IoUring.isAvailable()) {
            throw new BrokerException("transport io_uring is not available here (it needs Linux 5.14 or newer with "
                    + "kernel.io_uring_disabled = 0): " + IoUring.unavailabilityCause(), IoUring.unavailabilityCause());
        }
    }

    /**
     * @throws BrokerException if {@code transport} names one this platform cannot run (see {@link #checkAvailable})
     */
    public EventLoops(int workerThreads, IoTransport transport) {
        checkAvailable(transport);
        IoHandlerFactory factory;
        IoTransport chosen = transport == IoTransport.AUTO ? (Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO) : transport;
        switch (chosen) {
            case EPOLL -> {
                factory = EpollIoHandler.newFactory();
                serverChannel = EpollServerSocketChannel.class;
                transportName = "epoll";
            }
            case IO_URING -> {
                factory = IoUringIoHandler.newFactory();
                serverChannel = IoUringServerSocketChannel.class;
                transportName = "io_uring";
            }
            default -> {
                factory = NioIoHandler.newFactory();
                serverChannel = NioServerSocketChannel.class;
                transportName = "nio";
            }
        }
        workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("magpie-io"), factory);
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    /** "epoll", "io_uring" or "nio", for the start-up log line. */
    public String transportName() {
        return transportName;
    }

    /** Shuts the loops down, waiting up to {@code timeoutMillis} for queued work. */
    public void shutdown(long timeoutMillis) {
        Future<?> w = workers.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
        w.awaitUninterruptibly(timeoutMillis);
    }
}
