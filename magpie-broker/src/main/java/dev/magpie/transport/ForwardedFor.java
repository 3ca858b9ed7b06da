package dev.magpie.transport;

import dev.magpie.protocol.ClientAddress;
import dev.magpie.security.AddressRange;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who the client is behind reverse proxies: {@code X-Forwarded-For} is believed only from a trusted proxy,
 * and the client is the rightmost address that is not one (the leftmost hops are whatever the client wrote).
 */
final class ForwardedFor {
    private final List<AddressRange> trustedProxies;

    ForwardedFor(List<AddressRange> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** Records the client address learned from {@code headers} on {@code channel}, if a trusted proxy sent them. */
    void learn(Channel channel, HttpHeaders headers) {
        if (trustedProxies.isEmpty() || !isTrusted(ClientAddress.of(channel).getAddress())) {
            return;
        }
        List<String> hops = new ArrayList<>();
        for (String header : headers.getAll("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> address = literal(hops.get(i));
            if (address.isEmpty()) {
                return;
            }
            if (!isTrusted(address.get()) || i == 0) {
                channel.attr(ClientAddress.KEY).set(new InetSocketAddress(address.get(), 0));
                return;
            }
        }
    }

    private boolean isTrusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(r -> r.contains(address));
    }

    private static Optional<InetAddress> literal(String hop) {
        String s = hop;
        if (s.startsWith("[") && s.indexOf(']') > 0) {
            s = s.substring(1, s.indexOf(']'));
        } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            s = s.substring(0, s.indexOf(':')); // IPv4 with a port
        }
        try {
            AddressRange.parse(s);
            return Optional.of(InetAddress.getByName(s));
        } catch (IllegalArgumentException | UnknownHostException e) {
            return Optional.empty();
        }
    }
}
