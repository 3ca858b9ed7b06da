package dev.magpie.session;

import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The network side of an attached session, implemented by the protocol layer. Methods may be called from
 * the session's thread, which need not be the connection's event loop; writes are thread-safe in Netty.
 */
public interface SessionConnection {

    MqttVersion version();

    /** The client's Maximum Packet Size (5.0), or {@link Integer#MAX_VALUE} when it set none. */
    int maxPacketSize();

    /** The client's Receive Maximum (5.0), or 65535. */
    int receiveMaximum();

    boolean isWritable();

    /**
     * True when PUBLISH packets to this client are rewritten per connection (5.0 topic aliases), so the shared
     * fan-out encoding cannot be used.
     */
    boolean rewritesPublish();

    ByteBufAllocator allocator();

    /** Writes and flushes a packet; the pipeline encodes it for {@link #version()}. */
    void send(MqttPacket packet);

    /** Writes and flushes pre-encoded bytes; ownership of {@code encoded} passes to the connection. */
    void send(ByteBuf encoded);

    /** Closes the connection, telling a 5.0 client {@code reasonCode} first. */
    void disconnect(int reasonCode, String reason);
}
