package dev.magpie.transport;

import dev.magpie.TlsSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cipher suite validation (issue 10: typos, RC4 and NULL names started fine; a TLS 1.2-only list turned TLS 1.3
 * off). Weak suites: RFC 7465 (RC4), FREAK/Logjam (EXPORT), Sweet32 (64-bit block ciphers).
 */
class CipherSuitesTest {
    /** A few names as the JDK provider lists them (it lists weak suites it would never enable by default). */
    private static final Set<String> JDK = Set.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "SSL_RSA_WITH_RC4_128_MD5", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
            "SSL_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_NULL_SHA256");

    @Test
    void strongSuitesThisProviderKnowsAreAccepted() {
        assertThat(CipherSuites.problem("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isEmpty();
        assertThat(CipherSuites.problem("TLS_AES_256_GCM_SHA384")).isEmpty();
        assertThat(CipherSuites.problem("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", JDK, "JDK")).isEmpty();
    }

    @Test
    void weakSuitesAreRefusedEvenWhenTheProviderKnowsThem() {
        assertThat(CipherSuites.problem("SSL_RSA_WITH_RC4_128_MD5", JDK, "JDK")).hasValueSatisfying(w -> assertThat(w).contains("RC4"));
        assertThat(CipherSuites.problem("TLS_ECDH_anon_WITH_AES_128_CBC_SHA", JDK, "JDK")).hasValueSatisfying(w -> assertThat(w).contains("anonymous"));
        assertThat(CipherSuites.problem("SSL_RSA_WITH_3DES_EDE_CBC_SHA", JDK, "JDK")).hasValueSatisfying(w -> assertThat(w).contains("Sweet32"));
        assertThat(CipherSuites.problem("TLS_RSA_WITH_NULL_SHA256", JDK, "JDK")).hasValueSatisfying(w -> assertThat(w).contains("no encryption"));
        assertThat(CipherSuites.problem("TLS_EMPTY_RENEGOTIATION_INFO_SCSV", JDK, "JDK")).isPresent();
        // OpenSSL spellings
        for (String name : List.of("RC4-SHA", "EXP-RC4-MD5", "ADH-AES128-SHA", "DES-CBC3-SHA", "ECDHE-RSA-NULL-SHA", "AECDH-AES128-SHA")) {
            assertThat(CipherSuites.problem(name, Set.of(name), "OpenSSL")).as(name).hasValueSatisfying(w -> assertThat(w).startsWith("it is weak"));
        }
    }

    @Test
    void aTypoIsRefusedWithTheProviderNamed() {
        assertThat(CipherSuites.problem("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA265", JDK, "JDK"))
                .hasValueSatisfying(w -> assertThat(w).contains("not a cipher suite the TLS provider (JDK) knows"));
        assertThat(CipherSuites.problem("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA265")).isPresent();
        assertThat(CipherSuites.problem(" ")).isPresent();
    }

    @Test
    void tlsSettingsRefuseABadListNamingTheSuite() {
        TlsSettings tls = TlsSettings.pem(Path.of("c"), Path.of("k"));
        assertThatThrownBy(() -> tls.withCiphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_RC4_128_SHA")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ciphers must not include TLS_RSA_WITH_RC4_128_SHA: it is weak");
    }

    @Test
    void aTls12OnlyListKeepsTls13WhenTls13IsEnabled() {
        List<String> tls12 = List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(CipherSuites.effective(tls12, List.of("TLSv1.3", "TLSv1.2")))
                .startsWith("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").containsAll(CipherSuites.TLS13_SUITES);
        assertThat(CipherSuites.effective(tls12, List.of("TLSv1.2"))).isEqualTo(tls12);
        List<String> chosen13 = List.of("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(CipherSuites.effective(chosen13, List.of("TLSv1.3", "TLSv1.2"))).as("a list naming 1.3 suites is kept").isEqualTo(chosen13);
        assertThat(CipherSuites.effective(List.of(), List.of("TLSv1.3"))).as("defaults stay the provider's").isEmpty();
    }
}
