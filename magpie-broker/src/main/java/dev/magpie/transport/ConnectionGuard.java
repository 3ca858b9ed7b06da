package dev.magpie.transport;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.observe.RefusalLog;
import dev.magpie.security.ban.BanList;
import dev.magpie.spi.Ban;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The first handler of every connection: refuses it before a byte is read if its IP address is banned, if the
 * listener's connection rate is exceeded, or if the listener or the broker has as many connections as allowed.
 * Refused sockets are closed at once (there is nothing to answer: no CONNECT has been read, and reading it would
 * be the work the limit exists to avoid), and each kind of refusal is logged at most once a second.
 *
 * <p>The address checked here is the socket's peer; behind a proxy that is the proxy, and the client's own
 * address is checked again by the CONNECT gate once the PROXY header or X-Forwarded-For told it. One instance
 * per listener, shared by its channels, hence {@link ChannelHandler.Sharable}; the counters are atomic.
 */
@ChannelHandler.Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final String listenerName;
    private final ConnectionLimit listenerLimit;
    private final ConnectionLimit brokerLimit;
    private final ConnectionRate rate;
    private final BanList bans;
    private final BrokerMetrics metrics;
    private final RefusalLog bannedLog = new RefusalLog(LOG);
    private final RefusalLog rateLog = new RefusalLog(LOG);
    private final RefusalLog listenerFullLog = new RefusalLog(LOG);
    private final RefusalLog brokerFullLog = new RefusalLog(LOG);
    /** Uncounts a connection when its channel closes; one for all of them (a close future holds one listener free). */
    private final ChannelFutureListener uncount;

    /** {@code connectionsPerSecond} 0 = no rate limit. */
    ConnectionGuard(String listenerName, ConnectionLimit listenerLimit, ConnectionLimit brokerLimit, int connectionsPerSecond,
                    BanList bans, BrokerMetrics metrics) {
        this.listenerName = listenerName;
        this.listenerLimit = listenerLimit;
        this.brokerLimit = brokerLimit;
        this.rate = connectionsPerSecond > 0 ? new ConnectionRate(connectionsPerSecond) : null;
        this.bans = bans;
        this.metrics = metrics;
        this.uncount = closed -> {
            listenerLimit.closed();
            brokerLimit.closed();
        };
    }

    int open() {
        return listenerLimit.open();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // counted first, always, so that the close can always uncount
        boolean listenerRoom = listenerLimit.opened();
        boolean brokerRoom = brokerLimit.opened();
        ctx.channel().closeFuture().addListener(uncount);
        Object remote = ctx.channel().remoteAddress();
        Optional<Ban> ban = remote instanceof InetSocketAddress a && a.getAddress() != null ? bans.findAddress(a.getAddress()) : Optional.empty();
        if (ban.isPresent()) {
            refuse(ctx, "banned", bannedLog, "listener " + listenerName + ": refusing {}: address banned (" + ban.get() + ")");
            return;
        }
        if (rate != null && !rate.tryAcquire(System.nanoTime())) {
            refuse(ctx, "connection_rate", rateLog, "listener " + listenerName + ": refusing {}: more new connections per second than allowed");
            return;
        }
        if (!listenerRoom) {
            refuse(ctx, "max_connections", listenerFullLog, "listener " + listenerName + ": refusing {}: "
                    + listenerLimit.max() + " connections open (max_connections of the listener)");
            return;
        }
        if (!brokerRoom) {
            refuse(ctx, "max_connections", brokerFullLog, "listener " + listenerName + ": refusing {}: "
                    + brokerLimit.max() + " connections open on the broker (limits.max_connections)");
            return;
        }
        ctx.fireChannelActive();
        // admitted: nothing more to decide, so the guard leaves the pipeline (a context less per connection, and a
        // hop less for every event of it); the close future uncounts it
        ctx.pipeline().remove(this);
    }

    private void refuse(ChannelHandlerContext ctx, String limit, RefusalLog log, String message) {
        metrics.limitHit(limit);
        log.refused(message, ctx.channel().remoteAddress());
        ctx.close();
    }
}
