package dev.magpie.routing;

/**
 * The broker-wide bound on retained messages, by count and by bytes (topic characters plus payload bytes). Without
 * it one client publishing retained messages to ever new topics fills the heap, and the store brings the same flood
 * back at the next start. Not thread-safe: {@link Distributor} calls it under its retained lock. 0 = no bound.
 */
final class RetainedQuota {
    private final int maxMessages;
    private final long maxBytes;
    private int messages;
    private long bytes;

    RetainedQuota(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** What a retained message counts for: its topic's characters and its payload's bytes. */
    static long sizeOf(String topic, byte[] payload) {
        return topic.length() + (long) payload.length;
    }

    /**
     * Whether replacing a message of {@code previousSize} bytes ({@code -1}: the topic has none yet) by one of
     * {@code size} bytes stays within the bound. Replacing never adds to the count, and a smaller message always fits.
     */
    boolean fits(long previousSize, long size) {
        boolean newTopic = previousSize < 0;
        if (newTopic && maxMessages > 0 && messages >= maxMessages) {
            return false;
        }
        long grows = size - Math.max(0, previousSize);
        return maxBytes <= 0 || grows <= 0 || bytes + grows <= maxBytes;
    }

    /** Records a replacement that {@link #fits}. */
    void replaced(long previousSize, long size) {
        if (previousSize < 0) {
            messages++;
        }
        bytes += size - Math.max(0, previousSize);
    }

    void removed(long size) {
        messages--;
        bytes -= size;
    }

    int messages() {
        return messages;
    }

    long bytes() {
        return bytes;
    }

    int maxMessages() {
        return maxMessages;
    }

    long maxBytes() {
        return maxBytes;
    }
}
