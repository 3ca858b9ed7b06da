package dev.magpie.server.client;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Turns the JDK's TLS exceptions (a chain several levels deep, ending in "PKIX path building failed" or "No
 * subject alternative names matching ...") into one line saying what is wrong and which option changes it.
 */
final class TlsFailures {

    private TlsFailures() {
    }

    static ClientFailure describe(Throwable cause, Endpoint endpoint) {
        String trusted = endpoint.tls().caFile().map(f -> "a CA in " + f).orElse("a CA the system trusts (give yours with --cafile)");
        String text = "TLS handshake with " + endpoint.host() + ":" + endpoint.port() + " failed: ";
        String message;
        if (has(cause, CertificateExpiredException.class) || mentions(cause, "validity check failed")) {
            message = text + "the server's certificate has expired or is not valid yet (" + root(cause) + ")";
        } else if (has(cause, CertificateNotYetValidException.class)) {
            message = text + "the server's certificate is not valid yet (" + root(cause) + ")";
        } else if (has(cause, CertPathBuilderException.class) || has(cause, CertPathValidatorException.class)
                || mentions(cause, "PKIX path")) {
            message = text + "the server's certificate is not trusted: it was not issued by " + trusted;
        } else if (mentions(cause, "No subject alternative") || mentions(cause, "No name matching")) {
            message = text + "the server's certificate does not name " + endpoint.host() + " (" + root(cause)
                    + "); connect by a name it was issued for, or skip this check with --insecure";
        } else if (mentions(cause, "certificate_required") || mentions(cause, "bad_certificate")
                || mentions(cause, "unknown_ca") || mentions(cause, "certificate_unknown")) {
            message = text + "the server refused our client certificate or wants one (" + root(cause)
                    + "); give --cert and --key from a CA the listener trusts";
        } else {
            message = text + root(cause);
        }
        return new ClientFailure(ClientFailure.Kind.NETWORK, message, cause);
    }

    private static boolean has(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentions(Throwable cause, String words) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            // case-insensitive: the JDK says certificate_required, OpenSSL CERTIFICATE_REQUIRED
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(words.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message, which is the one that says what happened. */
    private static String root(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message;
    }
}
