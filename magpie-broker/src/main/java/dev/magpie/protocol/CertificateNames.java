package dev.magpie.protocol;

import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.observe.LogSafe;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** The user name a listener's {@link TlsSettings.CertificateIdentity} takes from a verified client certificate. */
final class CertificateNames {
    private CertificateNames() {
    }

    static Optional<String> identity(Listener listener, List<X509Certificate> chain) {
        TlsSettings.CertificateIdentity mode = listener.tls().map(TlsSettings::certificateIdentity).orElse(TlsSettings.CertificateIdentity.NONE);
        if (chain.isEmpty() || mode == TlsSettings.CertificateIdentity.NONE) {
            return Optional.empty();
        }
        String subject = chain.get(0).getSubjectX500Principal().getName(X500Principal.RFC2253);
        return mode == TlsSettings.CertificateIdentity.SUBJECT ? Optional.of(subject) : commonName(subject);
    }

    /**
     * Why {@code name}, taken from a certificate as {@code listener}'s user name, may not be used, or null if it
     * may: the rule for CONNECT user names (no control characters, {@link LogSafe}; U+0000 is one of them) and, as a
     * name a CA vouched for may still be chosen by whoever asked for the certificate, none of the topic characters
     * {@code #}, {@code +}, {@code /} that would change what a {@code %u} ACL pattern matches (CVE-2017-7650). A
     * whole subject ({@link TlsSettings.CertificateIdentity#SUBJECT}) may have {@code +}: RFC 2253 writes
     * multi-valued names with it.
     */
    static String problem(Listener listener, String name) {
        int unsafe = LogSafe.firstUnsafe(name);
        if (unsafe >= 0) {
            return "contains the control character " + LogSafe.codePoint(name, unsafe) + " at position " + (unsafe + 1);
        }
        boolean subject = listener.tls().map(TlsSettings::certificateIdentity).orElse(TlsSettings.CertificateIdentity.NONE)
                == TlsSettings.CertificateIdentity.SUBJECT;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '#' || c == '/' || (c == '+' && !subject)) {
                return "contains '" + c + "', a topic wildcard or separator, at position " + (i + 1);
            }
        }
        return name.isEmpty() ? "is empty" : null;
    }

    /** The most specific CN of an RFC 2253 name (the first one written). */
    static Optional<String> commonName(String rfc2253) {
        try {
            List<Rdn> rdns = new LdapName(rfc2253).getRdns(); // least specific first
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdns.get(i).getValue()));
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
