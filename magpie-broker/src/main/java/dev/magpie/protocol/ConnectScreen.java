package dev.magpie.protocol;

import dev.magpie.BrokerLimits;
import dev.magpie.codec.Connect;
import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.BrokerMetrics;
import dev.magpie.security.ban.BanList;
import dev.magpie.security.ban.FlappingDetector;
import dev.magpie.spi.Ban;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The operator's barriers a CONNECT meets before anyone is asked about its credentials: bans (client id, user name
 * or address), flapping, and a will topic over the topic limits. Apart from {@link ConnectGate} because they are the
 * broker's own policy, not the protocol's rules or authentication's; each refusal is counted as the limit it hit and
 * goes out through {@link ConnectRefusal}. Each check returns whether it refused, so the gate stops at the first.
 */
final class ConnectScreen {
    private final BanList bans;
    private final FlappingDetector flapping;
    private final BrokerLimits limits;
    private final BrokerMetrics metrics;
    private final ConnectRefusal refusal;
    /** The client's own address (as a proxy reported it), fixed before the CONNECT was read; may be null. */
    private final InetSocketAddress remote;

    ConnectScreen(BanList bans, FlappingDetector flapping, BrokerLimits limits, BrokerMetrics metrics,
                  ConnectRefusal refusal, InetSocketAddress remote) {
        this.bans = bans;
        this.flapping = flapping;
        this.limits = limits;
        this.metrics = metrics;
        this.refusal = refusal;
        this.remote = remote;
    }

    /**
     * Refuses a banned client id, user name or address: 0x8A Banned, which a 3.1.1 client reads as 0x05 Not
     * authorized. Null arguments are not checked (an assigned id, no user name). Returns whether it refused.
     */
    boolean isBanned(String clientId, String username) {
        Optional<Ban> ban = bans.find(clientId, username, remote == null ? null : remote.getAddress());
        ban.ifPresent(b -> {
            metrics.limitHit("banned");
            refusal.refuse(ReasonCode.BANNED, "banned: " + b);
        });
        return ban.isPresent();
    }

    /** Counts this CONNECT for flapping detection; refuses it (0x8A) if it is one too many. */
    boolean isFlapping(String clientId) {
        Optional<Ban> ban = flapping.connectAttempt(clientId, remote == null ? null : remote.getAddress(), System.nanoTime());
        ban.ifPresent(b -> {
            metrics.limitHit("flapping");
            refusal.refuse(ReasonCode.BANNED, "banned: " + b);
        });
        return ban.isPresent();
    }

    /** A will topic over the topic limits is refused like a PUBLISH would be: 0x90 Topic Name invalid. */
    boolean willTopicOverLimit(Connect.Will will) {
        String violation = will == null ? null : new TopicLimits(limits).violation(will.topic());
        if (violation != null) {
            metrics.limitHit("topic");
            refusal.refuse(ReasonCode.TOPIC_NAME_INVALID, "will " + violation);
        }
        return violation != null;
    }
}
