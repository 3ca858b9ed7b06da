package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * What one connection does when its client publishes faster than its message/byte rate ({@link PublishRate}).
 * Throttling (the default) lets the packet through and stops reading the socket until the rate has caught up,
 * so the client is slowed by TCP backpressure and loses nothing; the DISCONNECT action closes the connection
 * instead, with 0x96 Message rate too high for a 5.0 client. Confined to the connection's event loop.
 */
final class PublishThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final PublishRate rate;
    private final BrokerLimits limits;
    private final BrokerMetrics metrics;
    private final MqttConnection connection;
    /** Whether reading is paused because the client publishes faster than its rate. */
    private boolean paused;
    private boolean logged;

    private PublishThrottle(PublishRate rate, BrokerLimits limits, BrokerMetrics metrics, MqttConnection connection) {
        this.rate = rate;
        this.limits = limits;
        this.metrics = metrics;
        this.connection = connection;
    }

    /** The throttle of a new connection, or null when the broker's limits set no rate. */
    static PublishThrottle of(BrokerLimits limits, BrokerMetrics metrics, MqttConnection connection) {
        PublishRate rate = PublishRate.of(limits, System.nanoTime());
        return rate == null ? null : new PublishThrottle(rate, limits, metrics, connection);
    }

    /** Charges {@code p} to the client's rate; false if the packet must not be processed (the client is being disconnected). */
    boolean admit(Publish p, ChannelHandlerContext ctx) {
        long pause = rate.take((long) p.topic().length() + p.payload().length, System.nanoTime());
        if (pause == 0) {
            return true;
        }
        metrics.limitHit("rate");
        if (limits.rateLimitAction() == BrokerLimits.RateLimitAction.DISCONNECT) {
            LOG.info("{}: publishing faster than the configured message/byte rate, disconnecting", connection.describe());
            metrics.messageDroppedRateLimit(); // the packet that went over the rate is not processed
            connection.closeReason("message rate too high");
            connection.disconnect(ReasonCode.MESSAGE_RATE_TOO_HIGH, "message rate too high");
            return false;
        }
        if (!logged) {
            logged = true;
            LOG.info("{}: publishing faster than the configured message/byte rate, slowing it down (logged once per connection)",
                    connection.describe());
        }
        if (!paused) {
            paused = true;
            connection.reading().pause(ReadGate.Reason.RATE);
            scheduleResume(pause, ctx);
        }
        return true;
    }

    /** Resumes reading once the rate allows; packets decoded meanwhile from bytes already read may extend the pause. */
    private void scheduleResume(long pauseNanos, ChannelHandlerContext ctx) {
        ctx.executor().schedule(() -> {
            long more = rate.pauseNanos(System.nanoTime());
            if (more > 0 && ctx.channel().isActive()) {
                scheduleResume(more, ctx);
                return;
            }
            paused = false;
            connection.reading().resume(ReadGate.Reason.RATE);
        }, Math.max(pauseNanos, 1_000_000L), TimeUnit.NANOSECONDS);
    }
}
