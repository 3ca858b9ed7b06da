package dev.magpie;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.codec.Unsubscribe;
import dev.magpie.protocol.ConnectionServices;
import dev.magpie.protocol.ClientAddress;
import dev.magpie.protocol.MqttConnection;
import dev.magpie.testkit.LogCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of packet sequences against one broker connection: the real pipeline (strict decoder,
 * encoder, {@link MqttConnection}) in an {@link EmbeddedChannel}, wired to a real broker core (sessions,
 * routing, retained messages). Each input is a CONNECT followed by up to 64 operations chosen by the fuzzer:
 * packets in any order (PUBLISH with reused ids, acknowledgements for ids never sent, SUBSCRIBE, UNSUBSCRIBE,
 * PINGREQ, DISCONNECT, a second CONNECT) and raw byte runs.
 *
 * <p>For every input: no handler fails with anything but the expected, logged protocol outcome (an
 * "internal error" is a finding); everything the broker writes is a well-formed packet; Netty's leak detector
 * (paranoid in tests) reports nothing; and once the connection is closed the broker holds no session or
 * subscription of it. Seeds and crash inputs live in
 * {@code src/test/resources/dev/magpie/ConnectionFuzzTestInputs/}; see docs/security.md for long runs.
 *
 * <p>It lives in {@code dev.magpie} because only there can a test assemble the broker core without sockets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionFuzzTest {
    private static final String[] TOPICS = {"a/b", "a", "$SYS/x", "$share/g/a", "a/b/c", "/", "b"};
    private static final String[] FILTERS = {"#", "a/+", "$share/g/a/#", "+/b", "a/b", "$SYS/#", "+", "a/#"};
    private static final MqttVersion[] VERSIONS = MqttVersion.values();
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 50_000);

    private BrokerCore core;
    private ConnectionServices context;
    private Listener listener;
    private LogCapture connectionLog;
    private LogCapture leakLog;
    private final Logger quietLogger = (Logger) LoggerFactory.getLogger("dev.magpie");
    private Level previousLevel;

    @BeforeAll
    void startCore() {
        listener = Listener.tcp("127.0.0.1", 0).anonymous(true);
        core = new BrokerCore(List.of(listener), BrokerSettings.defaults().withReceiveMaximum(4).withMaxInflight(4).withMaxQueuedMessages(8),
                BrokerLimits.defaults(), List.of(), BrokerCapabilities.all(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), StoreChoice.NONE);
        context = core.connections();
        // one connection per input: INFO lines would cost more than the fuzzing (restored in stopCore)
        previousLevel = quietLogger.getLevel();
        quietLogger.setLevel(Level.WARN);
        connectionLog = LogCapture.of(MqttConnection.class);
        leakLog = LogCapture.of(ResourceLeakDetector.class);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    void stopCore() {
        quietLogger.setLevel(previousLevel);
        connectionLog.close();
        leakLog.close();
        core.stop();
    }

    @FuzzTest(maxDuration = "30s")
    void anyPacketSequenceLeavesTheBrokerConsistent(FuzzedDataProvider data) {
        MqttVersion version = VERSIONS[data.consumeInt(0, VERSIONS.length - 1)];
        MqttPacketEncoder encoder = new MqttPacketEncoder();
        EmbeddedChannel channel = new EmbeddedChannel();
        // an embedded channel has no IP peer; give it the address a transport would have learned
        channel.attr(ClientAddress.KEY).set(PEER);
        channel.pipeline().addLast(MqttDecoder.forServer(context.settings().maxPacketSize()), encoder, new MqttConnection(context, listener, encoder));
        MqttDecoder reader = MqttDecoder.forClient(version, Integer.MAX_VALUE);
        EmbeddedChannel outbound = new EmbeddedChannel(reader);
        MqttProperties connectProps = version.isV5() && data.consumeBoolean()
                ? MqttProperties.builder().integer(PropertyId.RECEIVE_MAXIMUM, data.consumeInt(1, 3)).build() : MqttProperties.EMPTY;
        Connect.Will will = data.consumeBoolean() ? new Connect.Will(TOPICS[data.consumeInt(0, 2)], new byte[] {1}, data.consumeInt(0, 2), data.consumeBoolean(),
                MqttProperties.EMPTY) : null;
        send(channel, new Connect(version, "fuzz", true, 60, null, null, will, connectProps), version);
        int steps = data.consumeInt(0, 64);
        for (int i = 0; i < steps && channel.isActive() && data.remainingBytes() > 0; i++) {
            MqttPacket packet = nextPacket(data, version);
            if (packet == null) {
                channel.writeInbound(Unpooled.wrappedBuffer(data.consumeBytes(data.consumeInt(1, 32))));
            } else {
                send(channel, packet, version);
            }
            channel.runPendingTasks();
            drain(channel, outbound);
        }
        channel.close();
        channel.runPendingTasks();
        drain(channel, outbound);
        outbound.finishAndReleaseAll();
        channel.finishAndReleaseAll();

        assertThat(connectionLog.events()).as("no handler failed").noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        assertThat(leakLog.messages()).as("no ByteBuf leaked").isEmpty();
        assertThat(context.admission().sessions().size()).as("the clean session ended with its connection").isZero();
        assertThat(context.flows().distributor().subscriptionCount()).as("its subscriptions left the tree").isZero();
    }

    /** The next packet a (possibly misbehaving) client sends, or null for a run of raw bytes. */
    private static MqttPacket nextPacket(FuzzedDataProvider data, MqttVersion version) {
        int id = data.consumeInt(1, 4); // few ids, so they are reused and collide
        return switch (data.consumeInt(0, 9)) {
            case 0 -> null;
            case 1, 2 -> {
                int qos = data.consumeInt(0, 2);
                String topic = TOPICS[data.consumeInt(0, TOPICS.length - 1)];
                yield new Publish(topic, qos, data.consumeBoolean(), data.consumeBoolean() && qos > 0, qos == 0 ? 0 : id,
                        data.consumeBytes(data.consumeInt(0, 16)), MqttProperties.EMPTY);
            }
            case 3 -> new PubResponse(List.of(PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP).get(data.consumeInt(0, 3)),
                    id, 0, MqttProperties.EMPTY);
            case 4 -> new Subscribe(id, List.of(version.isV5()
                    ? new Subscription(FILTERS[data.consumeInt(0, FILTERS.length - 1)], data.consumeInt(0, 2), data.consumeBoolean(), data.consumeBoolean(), data.consumeInt(0, 2))
                    : Subscription.of(FILTERS[data.consumeInt(0, FILTERS.length - 1)], data.consumeInt(0, 2))), MqttProperties.EMPTY);
            case 5 -> new Unsubscribe(id, List.of(FILTERS[data.consumeInt(0, FILTERS.length - 1)]), MqttProperties.EMPTY);
            case 6 -> PingReq.INSTANCE;
            case 7 -> new Disconnect(data.consumeBoolean() ? 0 : 4, MqttProperties.EMPTY);
            case 8 -> new Connect(version, "again", true, 60, null, null, null, MqttProperties.EMPTY);
            default -> new Publish("a/b", 1, false, false, id, "same".getBytes(StandardCharsets.US_ASCII), MqttProperties.EMPTY);
        };
    }

    private static void send(EmbeddedChannel channel, MqttPacket packet, MqttVersion version) {
        ByteBuf bytes = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet, version);
        channel.writeInbound(bytes);
        assertThat(bytes.refCnt()).as("the pipeline released what it read").isZero();
    }

    /** Decodes everything the broker wrote with the strict client decoder (a malformed packet fails) and releases it. */
    private static void drain(EmbeddedChannel channel, EmbeddedChannel outbound) {
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            outbound.writeInbound(o);
            for (Object p = outbound.readInbound(); p != null; p = outbound.readInbound()) {
                assertThat(p).isInstanceOf(MqttPacket.class);
            }
        }
    }
}
