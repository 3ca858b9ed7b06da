package dev.magpie.protocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;

/**
 * The address of the client behind a connection. It is the socket's peer unless the transport learned the
 * real one from a PROXY protocol header or a trusted proxy's {@code X-Forwarded-For}, in which case the
 * transport stores it in {@link #KEY} before the MQTT handler sees the first packet.
 */
public final class ClientAddress {
    /** Set by the transport when the socket's peer is a proxy and the client's own address is known. */
    public static final AttributeKey<InetSocketAddress> KEY = AttributeKey.valueOf("magpie.clientAddress");

    private ClientAddress() {
    }

    /** The client's address: the one the transport learned, else the socket's peer. */
    public static InetSocketAddress of(Channel channel) {
        InetSocketAddress learned = channel.attr(KEY).get();
        return learned != null ? learned : (InetSocketAddress) channel.remoteAddress();
    }
}
