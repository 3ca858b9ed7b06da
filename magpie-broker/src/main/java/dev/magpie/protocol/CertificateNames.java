package dev.magpie.protocol;

import dev.magpie.Listener;
import dev.magpie.TlsSettings;

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
