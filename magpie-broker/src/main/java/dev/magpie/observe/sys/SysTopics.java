package dev.magpie.observe.sys;

/**
 * The names of the {@code $SYS} topic space. Topics beginning with {@code $} are for the server's own use (MQTT 3.1.1
 * and 5.0 section 4.7.2), and {@code $SYS/} is the one brokers agree carries their status. The rule that only the
 * broker publishes there is routing's ({@code Distributor.isSysTopic}, beside the other {@code $}-topic rules): a
 * client's PUBLISH to it is refused (5.0: 0x87 Not authorized; 3.1.1: acknowledged and dropped, [MQTT-3.3.5-2]), so no
 * client can fake a broker's numbers. Wildcard filters starting with {@code #} or {@code +} never match it
 * [MQTT-4.7.2-1] (the subscription tree's rule); a subscriber needs {@code $SYS/#} or a narrower filter, and a read
 * grant for it.
 */
public final class SysTopics {
    /** The prefix every status topic begins with. */
    public static final String PREFIX = "$SYS/";
    /** Where mosquitto keeps the broker's numbers; the topics under it have mosquitto's names. */
    public static final String BROKER = PREFIX + "broker/";

    private SysTopics() {
    }
}
