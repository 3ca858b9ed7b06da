package dev.magpie.session;

/**
 * One message a session holds for its client, as an administrator sees it: no payload, only its size.
 *
 * @param packetId the packet id of a message in flight; 0 for one still queued
 * @param topic    its topic
 * @param qos      the QoS it is (or will be) delivered with
 * @param bytes    payload bytes
 */
public record MessageSummary(int packetId, String topic, int qos, int bytes) {
}
