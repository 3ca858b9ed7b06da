package dev.magpie.transport;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLContext;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a configured cipher suite list may contain, and what the listener really enables from it.
 *
 * <p><b>Refused:</b> names the TLS provider in use does not know (a typo would otherwise be dropped silently
 * and the listener start with whatever is left) and suites that are broken or give no protection: RC4, NULL
 * encryption, EXPORT grades, anonymous key exchange (no server authentication), DES and 3DES (64-bit blocks,
 * Sweet32), MD5 MACs, and the signalling pseudo-suites. Both Java/IANA names
 * ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}) and, with OpenSSL, OpenSSL names
 * ({@code ECDHE-RSA-AES128-GCM-SHA256}) are accepted.
 *
 * <p><b>TLS 1.3 stays on:</b> its suites ({@code TLS_AES_*}, {@code TLS_CHACHA20_*}) are separate from the
 * TLS 1.2 ones, so a list written for TLS 1.2 would leave TLS 1.3 with no suite and turn it off without a word.
 * When TLS 1.3 is enabled and the list names none of its suites, its standard suites are added
 * ({@link #effective}); to turn TLS 1.3 off, leave it out of the protocols.
 *
 * <pre>{@code
 * CipherSuites.problem("TLS_RSA_WITH_RC4_128_SHA"); // Optional["it is weak: RC4 is broken (RFC 7465)"]
 * }</pre>
 */
public final class CipherSuites {

    /** The TLS 1.3 suites every provider supports, in preference order. */
    static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    /** Name parts that mark a suite as broken or unauthenticated, with why (tokens between '_' or '-'). */
    private static final List<String[]> WEAK = List.of(
            new String[]{"RC4", "RC4 is broken (RFC 7465)"},
            new String[]{"RC2", "RC2 is broken"},
            new String[]{"NULL", "NULL gives no encryption"},
            new String[]{"EXPORT", "EXPORT grades are breakable (FREAK, Logjam)"},
            new String[]{"EXPORT1024", "EXPORT grades are breakable (FREAK, Logjam)"},
            new String[]{"EXP", "EXPORT grades are breakable (FREAK, Logjam)"},
            new String[]{"ANON", "anonymous key exchange does not authenticate the server"},
            new String[]{"ADH", "anonymous key exchange does not authenticate the server"},
            new String[]{"AECDH", "anonymous key exchange does not authenticate the server"},
            new String[]{"DES", "DES and 3DES have 64-bit blocks (Sweet32)"},
            new String[]{"3DES", "DES and 3DES have 64-bit blocks (Sweet32)"},
            new String[]{"DES40", "DES and 3DES have 64-bit blocks (Sweet32)"},
            new String[]{"CBC3", "DES and 3DES have 64-bit blocks (Sweet32)"},
            new String[]{"MD5", "MD5 is broken"},
            new String[]{"SCSV", "it is a signalling value, not a cipher suite"});

    private CipherSuites() {
    }

    /**
     * Why {@code name} may not be configured with the TLS provider this JVM uses ("it is weak: RC4 is
     * broken"), or empty if it may.
     */
    public static Optional<String> problem(String name) {
        return problem(name, supportedByProvider(), providerName());
    }

    /** {@link #problem(String)} against the names {@code provider} supports (either provider; tests). */
    static Optional<String> problem(String name, Set<String> supported, String provider) {
        if (name == null || name.isBlank()) {
            return Optional.of("an empty cipher suite name");
        }
        for (String token : name.toUpperCase(Locale.ROOT).split("[_\\-]")) {
            for (String[] weak : WEAK) {
                if (token.equals(weak[0])) {
                    return Optional.of("it is weak: " + weak[1]);
                }
            }
        }
        if (!supported.contains(name)) {
            return Optional.of("it is not a cipher suite the TLS provider (" + provider
                    + ") knows; check the spelling, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
        return Optional.empty();
    }

    /**
     * The suites to enable: {@code configured} (empty: the provider's defaults, returned as empty), with the
     * TLS 1.3 suites added when {@code protocols} include TLS 1.3 and {@code configured} names none of them.
     */
    static List<String> effective(List<String> configured, List<String> protocols) {
        if (configured.isEmpty() || !protocols.contains("TLSv1.3") || configured.stream().anyMatch(CipherSuites::isTls13)) {
            return configured;
        }
        List<String> out = new ArrayList<>(configured);
        out.addAll(TLS13_SUITES);
        return out;
    }

    static boolean isTls13(String name) {
        return TLS13_SUITES.contains(name) || name.startsWith("TLS_AES_") || name.startsWith("TLS_CHACHA20_");
    }

    static Set<String> supportedByProvider() {
        if (ServerTlsContext.provider() == SslProvider.OPENSSL) {
            Set<String> names = new HashSet<>(OpenSsl.availableJavaCipherSuites());
            names.addAll(OpenSsl.availableOpenSslCipherSuites());
            names.addAll(TLS13_SUITES);
            return names;
        }
        try {
            return new HashSet<>(Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
    }

    private static String providerName() {
        return ServerTlsContext.provider() == SslProvider.OPENSSL ? "OpenSSL" : "JDK";
    }
}
