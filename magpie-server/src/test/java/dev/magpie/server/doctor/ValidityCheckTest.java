package dev.magpie.server.doctor;

import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.ServerNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dates of a certificate, judged at chosen moments: before, inside, near the end of and after its validity. */
class ValidityCheckTest {

    private static X509Certificate leaf;

    @BeforeAll
    static void certificate() {
        CertificateAuthority ca = CertificateAuthority.create("Validity CA", KeySpec.ec(), 365);
        leaf = ca.issueServer(ServerNames.of(List.of("localhost"), List.of()), KeySpec.ec(), 100).certificate();
    }

    @Test
    void wellInsideTheValidityPasses() {
        CheckResult result = ValidityCheck.run(List.of(leaf), Instant.now());

        assertThat(result.status()).isEqualTo(Status.PASS);
        assertThat(result.detail()).startsWith("CN=localhost is valid until").containsPattern("\\((99|100) days\\)");
    }

    @Test
    void within30DaysOfTheEndWarns() {
        Instant now = leaf.getNotAfter().toInstant().minus(Duration.ofDays(12));

        CheckResult result = ValidityCheck.run(List.of(leaf), now);

        assertThat(result.status()).isEqualTo(Status.WARN);
        assertThat(result.detail()).contains("(12 days)");
        assertThat(result.fix()).startsWith("renew it now");
    }

    @Test
    void afterTheEndFails() {
        Instant now = leaf.getNotAfter().toInstant().plus(Duration.ofDays(3));

        CheckResult result = ValidityCheck.run(List.of(leaf), now);

        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.detail()).contains("expired on").contains("(3 days ago)");
    }

    @Test
    void beforeTheStartFailsAndPointsAtTheClocks() {
        Instant now = leaf.getNotBefore().toInstant().minus(Duration.ofDays(1));

        CheckResult result = ValidityCheck.run(List.of(leaf), now);

        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.detail()).contains("is valid only from");
        assertThat(result.fix()).contains("clocks");
    }
}
