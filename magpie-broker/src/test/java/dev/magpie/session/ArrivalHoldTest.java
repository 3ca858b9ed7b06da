package dev.magpie.session;

import java.util.List;

import dev.magpie.cluster.MessageStamp;
import dev.magpie.cluster.NodeIdentity;
import dev.magpie.codec.EncodedPublish;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.Publish;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a session that arrived from another node holds while that node hands over: the routed deliveries follow the
 * handed-over ones in their order, a message that came both ways once [MQTT-4.3.3-10], [MQTT-4.6.0-6], and every
 * reference the hold took is given back.
 */
class ArrivalHoldTest {
    private static final NodeIdentity PUBLISHER_NODE = new NodeIdentity("p", 1);

    private static Publication stamped(String text, long seq) {
        Publication p = new Publication(new Publish("t", 1, false, false, 0, text.getBytes(), MqttProperties.EMPTY), "pub");
        if (seq > 0) {
            p.stamp(new MessageStamp(PUBLISHER_NODE, seq));
        }
        return p;
    }

    private static List<String> texts(List<ArrivalHold.Held> held) {
        return held.stream().map(h -> new String(h.publication().publish().payload())).toList();
    }

    @Test
    void heldDeliveriesFollowInOrderLessThoseHandedOverToo() {
        ArrivalHold hold = new ArrivalHold("old-owner");
        Publication m3 = stamped("m3", 3);
        EncodedPublish m3Encoded = m3.encoded(new UnpooledByteBufAllocator(false), MqttVersion.V5, 1);
        for (Publication p : List.of(m3, stamped("m4", 4), stamped("m5", 5), stamped("unstamped", 0))) {
            assertThat(hold.hold(p, Delivery.of(1, false))).isTrue();
            p.release(); // the router's reference: the hold keeps its own
        }
        hold.handedOver(new MessageStamp(PUBLISHER_NODE, 2)); // older, never routed here
        hold.handedOver(new MessageStamp(PUBLISHER_NODE, 3)); // routed to both nodes meanwhile
        hold.handedOver(null);                                 // a message from a build without stamps

        List<ArrivalHold.Held> going = hold.release();
        assertThat(texts(going)).containsExactly("m4", "m5", "unstamped");
        assertThat(m3Encoded.refCnt()).as("the hold gave back its reference on the copy it dropped").isZero();
        going.forEach(h -> h.publication().release());
        assertThat(hold.size()).isZero();
    }

    @Test
    void waitsForItsPreviousOwnerOnlyOrForTheTimeout() {
        ArrivalHold hold = new ArrivalHold("old-owner");
        assertThat(hold.waitsFor("old-owner")).isTrue();
        assertThat(hold.waitsFor("someone-else")).isFalse();
        assertThat(hold.waitsFor(null)).as("the wait is over").isTrue();
    }

    @Test
    void isBoundedAndGivesEverythingBackWhenDiscarded() {
        ArrivalHold hold = new ArrivalHold("old-owner");
        Publication first = stamped("first", 1);
        EncodedPublish encoded = first.encoded(new UnpooledByteBufAllocator(false), MqttVersion.V5, 1);
        assertThat(hold.hold(first, Delivery.of(1, false))).isTrue();
        first.release();
        for (int i = 1; i < ArrivalHold.MAX_HELD; i++) {
            assertThat(hold.hold(stamped("m", i + 1), Delivery.of(1, false))).isTrue();
        }
        assertThat(hold.hold(stamped("one too many", 0), Delivery.of(1, false))).as("full").isFalse();
        assertThat(hold.size()).isEqualTo(ArrivalHold.MAX_HELD);
        hold.discard();
        assertThat(hold.size()).isZero();
        assertThat(encoded.refCnt()).isZero();
    }
}
