package dev.magpie.security.throttle;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * What the throttle and the fair executor count a client by: its IPv4 address, or the /64 prefix of its IPv6
 * address, because one IPv6 subscriber is usually given a whole /64 and could otherwise pick a fresh address for
 * every guess. A client without an address (an in-process channel) counts as one shared "unknown" address.
 */
public final class AddressKey {
    /** The key of clients whose address is unknown. */
    public static final Object UNKNOWN = "(unknown address)";

    private AddressKey() {
    }

    /** The key of {@code remote}; never null. */
    public static Object of(InetSocketAddress remote) {
        return remote == null ? UNKNOWN : of(remote.getAddress());
    }

    /** The key of {@code address}; never null. */
    public static Object of(InetAddress address) {
        if (address == null) {
            return UNKNOWN;
        }
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an IPv6 address", e);
            }
        }
        return address;
    }
}
