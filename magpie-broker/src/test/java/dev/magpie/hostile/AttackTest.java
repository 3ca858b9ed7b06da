package dev.magpie.hostile;

import dev.magpie.BrokerLimits;
import dev.magpie.BrokerSettings;
import dev.magpie.Listener;
import dev.magpie.LoginLimits;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.MqttVersion;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Authorizer;
import dev.magpie.testkit.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.List;

/**
 * The frame of every attack test: a broker, the {@link GoodTraffic} running on it, and the state baseline taken
 * once the well-behaved clients are in. A test runs its attack, calls {@link #survived()} and is done: that
 * checks the good clients made progress during the attack, lost nothing, and the broker's state came back.
 */
abstract class AttackTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    HostileBroker broker;
    GoodTraffic traffic;

    /** The settings the broker under attack runs with; defaults unless the attack needs a shorter timeout. */
    BrokerSettings settings() {
        return BrokerSettings.defaults();
    }

    /** The limits the broker under attack runs with; defaults unless the attack is about what lies behind a limit. */
    BrokerLimits limits() {
        return BrokerLimits.defaults();
    }

    Authorizer[] authorizers() {
        return new Authorizer[0];
    }

    /** Listeners besides the "tcp" one the good clients use (e.g. a ws listener serving files); none by default. */
    List<Listener> extraListeners() {
        return List.of();
    }

    /** Authenticators of the broker under attack; none (anonymous only) unless the attack is on logins. */
    List<Authenticator> authenticators() {
        return List.of();
    }

    /** Login throttling and the password-check queue; defaults unless the attack needs them changed. */
    LoginLimits loginLimits() {
        return LoginLimits.defaults();
    }

    @BeforeEach
    void startBrokerAndGoodTraffic() throws Exception {
        broker = HostileBroker.start(settings(), limits(), loginLimits(), extraListeners(), authenticators(), authorizers());
        int cap = settings().maxKeepAlive();
        traffic = GoodTraffic.start(broker.uri(), cap > 0 ? Math.min(60, cap) : 60);
        broker.recordBaseline();
    }

    @AfterEach
    void stopAll() {
        if (traffic != null) {
            traffic.close();
        }
        broker.close();
    }

    /** Connects a raw attacker and waits for its CONNACK. */
    RawMqttClient attacker(MqttVersion version, String clientId) {
        RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port());
        c.send(RawMqttClient.connectPacket(version, clientId, true, 60));
        ConnAck ack = c.receive(ConnAck.class, WAIT);
        if (ack.reasonCode() != 0) {
            throw new AssertionError("attacker " + clientId + " refused: " + ack);
        }
        return c;
    }

    /** A raw socket that has sent nothing yet. */
    RawMqttClient socket() {
        return RawMqttClient.connect("127.0.0.1", broker.port());
    }

    /**
     * The good clients kept working during the attack (call while attack connections may still be open) and,
     * once the attackers are gone, every message arrived in order and the broker's state is back at its baseline.
     */
    void survived() throws InterruptedException {
        traffic.awaitProgress(20);
        traffic.finish();
        broker.awaitBaseline();
    }
}
