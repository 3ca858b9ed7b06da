package dev.magpie.server.doctor;

import dev.magpie.server.certs.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Chains the broker-backed tests do not reach: broken CA constraints, a pinned self-signed certificate, none. */
class ChainCheckTest {

    @TempDir
    Path dir;

    @Test
    void aChainThatBreaksTheRootsPathLengthFailsWithThePkixReason() throws Exception {
        TestPki pki = new TestPki(dir);
        List<X509Certificate> chain = pki.intermediateUnderTheTestCa();

        ChainCheck.Outcome outcome = ChainCheck.run(chain, TrustAnchors.fromFile(pki.caFile()));

        assertThat(outcome.result().status()).isEqualTo(Status.FAIL);
        assertThat(outcome.result().detail()).contains("reaches CN=Doctor Test CA but is not valid")
                .containsIgnoringCase("path");
        assertThat(outcome.path()).hasSize(2);
    }

    @Test
    void aSelfSignedCertificatePinnedWithCaPasses() throws Exception {
        X509Certificate leaf = TestPki.selfSignedLeaf();
        Path pinned = dir.resolve("pinned.crt");
        Files.writeString(pinned, Pem.certificate(leaf));

        ChainCheck.Outcome outcome = ChainCheck.run(List.of(leaf), TrustAnchors.fromFile(pinned));

        assertThat(outcome.result().status()).isEqualTo(Status.PASS);
        assertThat(outcome.path()).isEmpty();
    }

    @Test
    void aSelfSignedCertificateThatIsNotTrustedSaysSo() throws Exception {
        TestPki pki = new TestPki(dir);

        ChainCheck.Outcome outcome = ChainCheck.run(List.of(TestPki.selfSignedLeaf()), TrustAnchors.fromFile(pki.caFile()));

        assertThat(outcome.result().status()).isEqualTo(Status.FAIL);
        assertThat(outcome.result().detail()).contains("the server's certificate CN=localhost is self-signed");
    }

    @Test
    void noCertificateAtAllFails() {
        assertThat(ChainCheck.run(List.of(), TrustAnchors.system()).result().status()).isEqualTo(Status.FAIL);
    }
}
