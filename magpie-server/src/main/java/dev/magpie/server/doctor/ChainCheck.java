package dev.magpie.server.doctor;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Is the chain the server sent enough for a phone to trust it? The walk starts at the server's certificate and
 * follows issuers, first among the trusted roots, then among the certificates the server sent, and nowhere
 * else: a phone does not fetch missing intermediates (WeChat on Android fails without them, while desktop
 * browsers often hide the problem by caching or fetching them). So the chain is complete only when it reaches a
 * trusted root using what the server sent.
 *
 * <p>Where the walk stops tells the fix: at a self-signed certificate nobody trusts (a private CA), or at a
 * certificate whose issuer is nowhere (a missing intermediate, or an unknown CA). When it reaches a root, the
 * path is validated with PKIX (signatures, CA constraints, key usage) at a moment when every certificate is
 * valid, so that an expired certificate is reported once, by {@link ValidityCheck}, not here too.
 */
final class ChainCheck {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    private ChainCheck() {
    }

    /** The result, and the certificates on the path from the server's certificate (the anchor not included). */
    record Outcome(CheckResult result, List<X509Certificate> path) {
    }

    static Outcome run(List<X509Certificate> sent, TrustAnchors trust) {
        if (sent.isEmpty()) {
            return new Outcome(CheckResult.fail(Check.CHAIN, "the server sent no certificate",
                    "configure a certificate on the server"), List.of());
        }
        List<X509Certificate> path = new ArrayList<>(List.of(sent.get(0)));
        List<X509Certificate> unused = new ArrayList<>(sent.subList(1, sent.size()));
        X509Certificate current = sent.get(0);
        for (int step = 0; step <= sent.size(); step++) {
            Optional<X509Certificate> anchor = issuerAmong(current, trust.certificates());
            if (anchor.isPresent()) {
                if (path.get(path.size() - 1).equals(anchor.get())) {
                    path.remove(path.size() - 1); // the server's certificate is itself in the --ca file
                }
                return new Outcome(anchored(path, anchor.get(), sent, trust), path);
            }
            if (selfSigned(current)) {
                return new Outcome(untrustedRoot(current, sent, trust), path);
            }
            Optional<X509Certificate> next = issuerAmong(current, unused);
            if (next.isEmpty()) {
                return new Outcome(missingIssuer(current, sent, trust), path);
            }
            unused.remove(next.get());
            path.add(next.get());
            current = next.get();
        }
        return new Outcome(missingIssuer(current, sent, trust), path);
    }

    private static CheckResult anchored(List<X509Certificate> path, X509Certificate anchor,
                                        List<X509Certificate> sent, TrustAnchors trust) {
        Optional<String> invalid = pkixProblem(path, anchor);
        if (invalid.isPresent()) {
            return CheckResult.fail(Check.CHAIN, "the chain reaches " + name(anchor) + " but is not valid: "
                    + invalid.get(), "reissue the server certificate from a CA allowed to sign it (bin/magpie certs server"
                    + " for a private CA)");
        }
        X509Certificate leaf = sent.get(0);
        if (!forServers(leaf)) {
            return CheckResult.fail(Check.CHAIN, name(leaf) + " is not a TLS server certificate (its extended key"
                    + " usage lacks serverAuth)", "issue a server certificate (bin/magpie certs server for a private CA)");
        }
        String chain = describe(path) + " <- " + name(anchor);
        if (!selfSigned(anchor)) {
            return CheckResult.warn(Check.CHAIN, chain + ": the server does not send " + name(anchor)
                            + ", which is in " + trust.source() + " but is not a root; phones only have roots",
                    "append the intermediate certificate(s) to the server's certificate file, after its own (full chain)");
        }
        return CheckResult.pass(Check.CHAIN, chain + ", trusted by " + trust.source()
                + (trust.custom() ? " (phones trust public CAs only)" : ""));
    }

    private static CheckResult untrustedRoot(X509Certificate root, List<X509Certificate> sent, TrustAnchors trust) {
        String what = sent.size() == 1 ? "the server's certificate " + name(root) + " is self-signed"
                : "the chain ends at the self-signed " + name(root);
        String fix = trust.custom()
                ? "the server's certificate was not issued by a CA in " + trust.source()
                + ": pass the CA that signed it with --ca, or reissue the certificate from yours"
                : "use a certificate from a public CA (e.g. Let's Encrypt); a private CA works only in the developer"
                + " tools (check against it with --ca FILE)";
        return CheckResult.fail(Check.CHAIN, what + ", which is not among " + trust.source(), fix);
    }

    private static CheckResult missingIssuer(X509Certificate current, List<X509Certificate> sent, TrustAnchors trust) {
        String issuer = current.getIssuerX500Principal().getName();
        String count = sent.size() == 1 ? "only its own certificate" : sent.size() + " certificates";
        String published = issuerUrl(current).map(url -> " (the certificate says it is published at " + url + ")")
                .orElse("");
        return CheckResult.fail(Check.CHAIN, "the server sends " + count + "; the issuer of " + name(current)
                        + ", '" + issuer + "', is neither among them nor in " + trust.source() + published,
                "if it is an intermediate CA, serve the full chain (the server's certificate, then the intermediates,"
                        + " e.g. fullchain.pem): WeChat on Android fails without it; if it is a root, it is not trusted"
                        + (trust.custom() ? " (check the --ca file)" : " (use a public CA)"));
    }

    /**
     * Where the certificate's issuer can be downloaded, from its Authority Information Access extension (RFC 5280
     * 4.2.2.1, "CA Issuers"): public CAs put their intermediate there. Browsers fetch it; phones do not, which is
     * why the server must send it. Shown in the hint so the user knows which file is missing.
     */
    static Optional<String> issuerUrl(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (extension == null) {
            return Optional.empty();
        }
        try {
            AuthorityInformationAccess access = AuthorityInformationAccess.getInstance(
                    ASN1OctetString.getInstance(extension).getOctets());
            for (AccessDescription description : access.getAccessDescriptions()) {
                GeneralName location = description.getAccessLocation();
                if (description.getAccessMethod().equals(AccessDescription.id_ad_caIssuers)
                        && location.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    return Optional.of(location.getName().toString());
                }
            }
        } catch (IllegalArgumentException e) {
            // a malformed extension: no URL to show
        }
        return Optional.empty();
    }

    /**
     * Validates {@code path} (leaf first, anchor excluded) at a moment when all its certificates are valid. The
     * JDK's PKIX validator takes only the anchor's name and key, so the anchor's own path length constraint is
     * checked here: OpenSSL, BoringSSL and Apple's TLS stacks do apply it.
     */
    private static Optional<String> pkixProblem(List<X509Certificate> path, X509Certificate anchor) {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        int allowed = anchor.getBasicConstraints();
        int intermediates = path.size() - 1;
        if (allowed >= 0 && intermediates > allowed) {
            return Optional.of(name(anchor) + " allows " + allowed + " intermediate CA(s) below it (path length"
                    + " constraint), the chain has " + intermediates);
        }
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false); // a CRL/OCSP fetch would make the check slow and flaky
            parameters.setDate(Date.from(validMoment(path)));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Now if every certificate is valid now, else the last moment they all are, if there is one. */
    private static Instant validMoment(List<X509Certificate> path) {
        Instant now = Instant.now();
        Instant latestStart = path.stream().map(c -> c.getNotBefore().toInstant()).max(Instant::compareTo).orElse(now);
        Instant earliestEnd = path.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElse(now);
        if (!now.isBefore(latestStart) && !now.isAfter(earliestEnd)) {
            return now;
        }
        return latestStart.isAfter(earliestEnd) ? now : earliestEnd.minusSeconds(1);
    }

    private static boolean forServers(X509Certificate leaf) {
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            return usages == null || usages.contains(SERVER_AUTH) || usages.contains(ANY_EXTENDED_KEY_USAGE);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static Optional<X509Certificate> issuerAmong(X509Certificate certificate, List<X509Certificate> candidates) {
        for (X509Certificate candidate : candidates) {
            if (candidate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                    && signedBy(certificate, candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static boolean selfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && signedBy(certificate, certificate);
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String describe(List<X509Certificate> path) {
        return path.stream().map(ChainCheck::name).collect(Collectors.joining(" <- "));
    }

    /** The subject as "CN=…", for a report line. */
    static String name(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
