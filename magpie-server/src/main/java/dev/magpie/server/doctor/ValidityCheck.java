package dev.magpie.server.doctor;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;

/**
 * The dates of every certificate the server sent on its path: one that expired or is not valid yet fails;
 * one that expires within 30 days warns, since renewal is due and a forgotten one takes every client down.
 */
final class ValidityCheck {

    static final Duration RENEW_WITHIN = Duration.ofDays(30);

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private ValidityCheck() {
    }

    static CheckResult run(List<X509Certificate> path, Instant now) {
        if (path.isEmpty()) {
            return CheckResult.skip(Check.VALIDITY, "no certificate to check");
        }
        for (X509Certificate certificate : path) {
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (now.isAfter(notAfter)) {
                return CheckResult.fail(Check.VALIDITY, ChainCheck.name(certificate) + " expired on "
                                + DATE.format(notAfter) + " (" + Duration.between(notAfter, now).toDays() + " days ago)",
                        "renew it and give the server the new files (Magpie reloads changed certificate files by itself)");
            }
            Instant notBefore = certificate.getNotBefore().toInstant();
            if (now.isBefore(notBefore)) {
                return CheckResult.fail(Check.VALIDITY, ChainCheck.name(certificate) + " is valid only from "
                                + DATE.format(notBefore),
                        "check the clocks of this machine and of the server (NTP), or reissue the certificate");
            }
        }
        X509Certificate first = path.stream().min(Comparator.comparing(X509Certificate::getNotAfter)).orElseThrow();
        Instant notAfter = first.getNotAfter().toInstant();
        long days = Duration.between(now, notAfter).toDays();
        String until = ChainCheck.name(first) + " is valid until " + DATE.format(notAfter) + " (" + days + " days)";
        if (Duration.between(now, notAfter).compareTo(RENEW_WITHIN) < 0) {
            return CheckResult.warn(Check.VALIDITY, until,
                    "renew it now (certbot renew, or bin/magpie certs server for a private CA); clients refuse it after"
                            + " that date");
        }
        return CheckResult.pass(Check.VALIDITY, until);
    }
}
