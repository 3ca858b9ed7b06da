/**
 * The {@code $SYS} topics: {@link dev.magpie.observe.sys.SysTopicPublisher} publishes the broker's status under
 * mosquitto's {@code $SYS/broker/…} names every {@code sys_interval} (load averages by
 * {@link dev.magpie.observe.sys.LoadAverage}), {@link dev.magpie.observe.sys.SysClientEvents} the optional per-client
 * connected / disconnected events, {@link dev.magpie.observe.sys.SysTopics} the names (the rule that only the
 * broker publishes there, MQTT section 4.7.2, is routing's). Reads the counters of {@code dev.magpie.observe} and what the core exposes through
 * {@link dev.magpie.observe.sys.SysSources}; publishes through a function the core hands in, so it calls nothing of the
 * layers above directly. See docs/operations.md#sys-topics.
 */
package dev.magpie.observe.sys;
