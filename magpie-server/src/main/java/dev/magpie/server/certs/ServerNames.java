package dev.magpie.server.certs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names a server certificate is valid for: DNS names and IP addresses, which become its subject alternative
 * names. Clients match the host they connected to against these (the common name is ignored by browsers and
 * modern TLS stacks), so every name a client will use must be here: {@code localhost} and {@code 127.0.0.1}
 * for local tools, the LAN address for a phone, the real domain for production.
 *
 * <p>IP addresses are literals only: parsing never resolves a name, so a typo is an error instead of a DNS
 * lookup.
 *
 * @param dnsNames    host names, lower case; a leading {@code *.} makes a wildcard for one label
 * @param ipAddresses IPv4 or IPv6 addresses
 */
public record ServerNames(List<String> dnsNames, List<InetAddress> ipAddresses) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    public ServerNames {
        dnsNames = dnsNames.stream().map(ServerNames::checkDnsName).distinct().toList();
        ipAddresses = List.copyOf(new LinkedHashSet<>(ipAddresses));
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new CertsException("a server certificate needs at least one DNS name or IP address that clients"
                    + " connect to, e.g. localhost and 127.0.0.1");
        }
    }

    /** Parses DNS names and IP address literals, checking each. */
    public static ServerNames of(List<String> dnsNames, List<String> ipAddresses) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String ip : ipAddresses) {
            addresses.add(parseIpAddress(ip));
        }
        return new ServerNames(dnsNames, addresses);
    }

    /** The certificate's common name: the first DNS name, else the first IP address. */
    public String commonName() {
        return dnsNames.isEmpty() ? ipAddresses.get(0).getHostAddress() : dnsNames.get(0);
    }

    /** "DNS:localhost, IP:127.0.0.1", for messages. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        dnsNames.forEach(name -> parts.add("DNS:" + name));
        ipAddresses.forEach(ip -> parts.add("IP:" + ip.getHostAddress()));
        return String.join(", ", parts);
    }

    /**
     * An IPv4 ({@code 192.168.1.20}) or IPv6 ({@code ::1}, {@code [fe80::1]}) literal.
     *
     * @throws CertsException if {@code value} is not one; host names are refused, never resolved
     */
    public static InetAddress parseIpAddress(String value) {
        String literal = value.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        boolean v4 = IPV4.matcher(literal).matches();
        if (v4) {
            for (String octet : literal.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    v4 = false;
                }
            }
        }
        // Only strings that are literals by their characters reach getByName, which then parses without DNS.
        if (v4 || (IPV6.matcher(literal).matches() && literal.indexOf(':') != literal.lastIndexOf(':'))) {
            try {
                return InetAddress.getByName(literal);
            } catch (UnknownHostException e) {
                // fall through to the message below
            }
        }
        boolean looksLikeHostName = literal.chars().anyMatch(Character::isLetter) && literal.indexOf(':') < 0;
        throw new CertsException("'" + value + "' is not an IPv4 or IPv6 address"
                + (looksLikeHostName ? " (a host name is a DNS name, not an IP address)" : ""));
    }

    private static String checkDnsName(String value) {
        String name = value.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (IPV4.matcher(name).matches() || name.contains(":")) {
            throw new CertsException("'" + value + "' is an IP address, not a DNS name; give it as an IP address");
        }
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        boolean valid = !rest.isEmpty() && name.length() <= 253;
        for (String label : rest.split("\\.", -1)) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw new CertsException("'" + value + "' is not a valid DNS name (letters, digits and '-' in"
                    + " dot-separated labels, optionally starting with '*.')");
        }
        return name;
    }
}
