package dev.magpie.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * The first 16 bytes of every generator payload: stream id (int), sequence number within the stream (int) and the
 * intended send time ({@link System#nanoTime()}, long), big-endian. The receiver computes latency from the intended
 * time, not from when the message actually left, so a stalled broker cannot hide the wait it caused (coordinated
 * omission). {@code nanoTime} is comparable only within one process, which is why the publisher and the subscribers
 * of a stream always live in the same generator process. 16 bytes is also the smallest payload offered.
 */
final class PayloadHeader {
    static final int SIZE = 16;

    private PayloadHeader() {
    }

    static void write(ByteBuf out, int stream, int sequence, long intendedNanos) {
        out.writeInt(stream).writeInt(sequence).writeLong(intendedNanos);
    }

    static int stream(ByteBuf payload, int index) {
        return payload.getInt(index);
    }

    static int sequence(ByteBuf payload, int index) {
        return payload.getInt(index + 4);
    }

    static long intendedNanos(ByteBuf payload, int index) {
        return payload.getLong(index + 8);
    }
}
