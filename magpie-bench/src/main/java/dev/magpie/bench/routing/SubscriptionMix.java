package dev.magpie.bench.routing;

import dev.magpie.routing.SubscriptionTree;
import java.util.Random;

/**
 * A fleet-shaped population of one million subscriptions, the kind an IoT broker carries:
 * <ul>
 *   <li>900,000 devices each subscribed to its own {@code devices/<id>/telemetry} (exact filters);</li>
 *   <li>99,890 dashboards each watching one random device with {@code devices/<id>/#};</li>
 *   <li>100 aggregators on {@code devices/+/telemetry};</li>
 *   <li>10 loggers on {@code #}.</li>
 * </ul>
 * A telemetry publish therefore matches about 111 subscriptions, a status publish about 10.
 */
final class SubscriptionMix {

    static final int DEVICES = 900_000;
    static final int DASHBOARDS = 99_890;
    static final int AGGREGATORS = 100;
    static final int LOGGERS = 10;
    static final int TOTAL = DEVICES + DASHBOARDS + AGGREGATORS + LOGGERS;

    /** Shared value: the benchmark measures the structure, not the caller's records. */
    static final Integer QOS1 = 1;

    private SubscriptionMix() {
    }

    static String deviceId(int i) {
        return "d" + i;
    }

    static SubscriptionTree<Integer> build(long seed) {
        SubscriptionTree<Integer> tree = new SubscriptionTree<>();
        Random random = new Random(seed);
        for (int i = 0; i < DEVICES; i++) {
            tree.put("devices/" + deviceId(i) + "/telemetry", "c" + i, QOS1);
        }
        for (int i = 0; i < DASHBOARDS; i++) {
            tree.put("devices/" + deviceId(random.nextInt(DEVICES)) + "/#", "dash" + i, QOS1);
        }
        for (int i = 0; i < AGGREGATORS; i++) {
            tree.put("devices/+/telemetry", "agg" + i, QOS1);
        }
        for (int i = 0; i < LOGGERS; i++) {
            tree.put("#", "log" + i, QOS1);
        }
        if (tree.size() != TOTAL) {
            throw new IllegalStateException("expected " + TOTAL + " subscriptions, got " + tree.size());
        }
        return tree;
    }

    /** Pre-built topics so that string building stays out of the measured code. */
    static String[] topics(long seed, int count, String suffix) {
        Random random = new Random(seed);
        String[] topics = new String[count];
        for (int i = 0; i < count; i++) {
            topics[i] = "devices/" + deviceId(random.nextInt(DEVICES)) + suffix;
        }
        return topics;
    }
}
