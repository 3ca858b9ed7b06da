package dev.magpie.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address or a CIDR block ({@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}), parsed from literals
 * only: a host name is refused, so matching never waits on DNS. Used for the trusted proxies whose
 * {@code X-Forwarded-For} header is believed, and for IP bans.
 */
public final class AddressRange {
    private final byte[] network;
    private final int prefixBits;
    private final String text;

    private AddressRange(byte[] network, int prefixBits, String text) {
        this.network = network;
        this.prefixBits = prefixBits;
        this.text = text;
    }

    /**
     * Parses {@code "address"} or {@code "address/prefix"}.
     *
     * @throws IllegalArgumentException if it is not an IPv4/IPv6 literal with a prefix in range
     */
    public static AddressRange parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] address = literal(addressPart, text);
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an address or CIDR block: '" + text + "'");
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
            }
        }
        return new AddressRange(mask(address, bits), bits, s);
    }

    private static byte[] literal(String s, String original) {
        if (s.isEmpty() || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("not an IP address literal (host names are not allowed): '" + original + "'");
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: '" + original + "'");
        }
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }

    /** Whether this range is one address (a full-length prefix), so it can be looked up exactly. */
    public boolean isSingleAddress() {
        return prefixBits == network.length * 8;
    }

    /**
     * The bytes to look {@code address} up by among single-address ranges: IPv4-mapped IPv6 addresses as IPv4,
     * like {@link #contains}. For a single-address range, {@code key(itsAddress)} equals {@link #key()}.
     */
    public static String key(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && isV4Mapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return Arrays.toString(a);
    }

    /** The lookup key of a single-address range (see {@link #key(InetAddress)}). */
    public String key() {
        byte[] a = network;
        if (a.length == 16 && isV4Mapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return Arrays.toString(a);
    }

    /** Whether {@code address} lies in this range (IPv4-mapped IPv6 addresses are compared as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return a.length == network.length && Arrays.equals(mask(a, prefixBits), network);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    @Override
    public String toString() {
        return text;
    }
}
