package dev.magpie.server.doctor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The server's certificate must name the host the client connected to, in its subject alternative names
 * (RFC 6125): phones and browsers no longer look at the common name. A wildcard {@code *.example.com} covers
 * exactly one label ({@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}).
 */
final class HostNameCheck {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private HostNameCheck() {
    }

    static CheckResult run(Target target, X509Certificate leaf) {
        List<String> dnsNames = new ArrayList<>();
        List<String> ipAddresses = new ArrayList<>();
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    if (type == DNS_NAME) {
                        dnsNames.add(((String) name.get(1)).toLowerCase(Locale.ROOT));
                    } else if (type == IP_ADDRESS) {
                        ipAddresses.add((String) name.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return CheckResult.fail(Check.HOST_NAME, "the certificate's subject alternative names cannot be read: "
                    + e.getMessage(), "reissue the certificate");
        }
        String issueFix = "get a certificate that names " + target.host() + " (bin/magpie certs server --dns "
                + target.host() + " for a private CA)";
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            return CheckResult.fail(Check.HOST_NAME, "the certificate has no subject alternative names, only "
                    + ChainCheck.name(leaf) + ", which current clients ignore", issueFix);
        }
        String listed = listed(dnsNames, ipAddresses);
        for (String pattern : dnsNames) {
            if (!target.hostIsIpLiteral() && matches(pattern, target.host())) {
                return CheckResult.pass(Check.HOST_NAME, target.host() + " matches DNS:" + pattern);
            }
        }
        if (target.hostIsIpLiteral()) {
            for (String ip : ipAddresses) {
                if (sameAddress(ip, target.host())) {
                    return CheckResult.pass(Check.HOST_NAME, target.host() + " matches IP:" + ip);
                }
            }
        }
        return CheckResult.fail(Check.HOST_NAME, "the certificate is for " + listed + ", not " + target.host(),
                issueFix + ", or connect with one of its names");
    }

    /** RFC 6125 section 6.4: exact, case-insensitive, or a "*" that stands for the whole leftmost label. */
    static boolean matches(String pattern, String host) {
        String p = stripDot(pattern.toLowerCase(Locale.ROOT));
        String h = stripDot(host.toLowerCase(Locale.ROOT));
        if (!p.startsWith("*.")) {
            return p.equals(h);
        }
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot).equals(p.substring(1)) && p.indexOf('.', 2) > 0;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b)); // literals only: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String listed(List<String> dnsNames, List<String> ipAddresses) {
        List<String> all = new ArrayList<>();
        dnsNames.forEach(n -> all.add("DNS:" + n));
        ipAddresses.forEach(ip -> all.add("IP:" + ip));
        return String.join(", ", all);
    }
}
