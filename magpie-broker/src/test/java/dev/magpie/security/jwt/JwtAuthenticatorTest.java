package dev.magpie.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.magpie.security.acl.GrantedAcl;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link JwtAuthenticator} with real tokens signed by keys generated here (JDK KeyPairGenerator). */
class JwtAuthenticatorTest {
    static final byte[] SECRET = "a shared secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);
    static KeyPair rsa;
    static KeyPair ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        rsa = r.generateKeyPair();
        KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
        e.initialize(new ECGenParameterSpec("secp256r1"));
        ec = e.generateKeyPair();
    }

    static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    static String sign(JWSAlgorithm alg, String keyId, JWTClaimsSet claims) throws JOSEException {
        JWSSigner signer = alg == JWSAlgorithm.HS256 ? new MACSigner(SECRET)
                : alg == JWSAlgorithm.RS256 ? new RSASSASigner(rsa.getPrivate()) : new ECDSASigner((ECPrivateKey) ec.getPrivate());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(keyId).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static AuthResult ask(JwtAuthenticator a, String username, String password) throws Exception {
        Credentials c = new Credentials("c1", username, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                new InetSocketAddress("127.0.0.1", 40000), List.of(), "tcp");
        return a.authenticate(c).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    Path pem(String type, byte[] der) throws Exception {
        Path file = dir.resolve(type.replace(' ', '-') + ".pem");
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n");
        return file;
    }

    @Test
    void hs256TokenInThePasswordAdmitsItsSubject() throws Exception {
        JwtAuthenticator a = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).build();
        AuthResult ok = ask(a, null, sign(JWSAlgorithm.HS256, null, claims("dev-1").build()));
        assertThat(ok.outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(ok.username()).contains("dev-1");
        // an ordinary password is someone else's business
        assertThat(ask(a, "alice", "s3cret").outcome()).isEqualTo(AuthResult.Outcome.NEXT);
        assertThat(ask(a, "alice", null).outcome()).isEqualTo(AuthResult.Outcome.NEXT);
    }

    @Test
    void tamperedOrForeignSignaturesAreDenied() throws Exception {
        JwtAuthenticator a = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).build();
        String token = sign(JWSAlgorithm.HS256, null, claims("dev-1").build());
        String[] parts = token.split("\\.");
        String promoted = parts[0] + "." + b64("{\"sub\":\"admin\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}") + "." + parts[2];
        assertThat(ask(a, null, promoted).outcome()).isEqualTo(AuthResult.Outcome.DENY);
        JwtAuthenticator other = JwtAuthenticator.builder(JwtKeys.hmacSecret("another secret that is 32 bytes long".getBytes())).build();
        assertThat(ask(other, null, token).outcome()).isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void rs256WithAPemPublicKeyOrAJwksFile() throws Exception {
        JwtAuthenticator byPem = JwtAuthenticator.builder(JwtKeys.pemFile(JwtAlgorithm.RS256,
                pem("PUBLIC KEY", rsa.getPublic().getEncoded()))).build();
        String token = sign(JWSAlgorithm.RS256, "k2", claims("dev-2").build());
        assertThat(ask(byPem, "dev-2", token).outcome()).isEqualTo(AuthResult.Outcome.ALLOW);

        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(2048);
        RSAKey unrelated = new RSAKey.Builder((RSAPublicKey) r.generateKeyPair().getPublic()).keyID("k1").build();
        RSAKey ours = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("k2").build();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(unrelated, ours)).toString());
        JwtAuthenticator byJwks = JwtAuthenticator.builder(JwtKeys.jwksFile(JwtAlgorithm.RS256, jwks)).build();
        assertThat(ask(byJwks, null, token).outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
        // naming the other key id: only that key is tried, and it does not verify
        assertThat(ask(byJwks, null, sign(JWSAlgorithm.RS256, "k1", claims("dev-2").build())).outcome())
                .isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void es256WithAPemPublicKey() throws Exception {
        JwtAuthenticator a = JwtAuthenticator.builder(JwtKeys.pemFile(JwtAlgorithm.ES256, pem("PUBLIC KEY", ec.getPublic().getEncoded()))).build();
        assertThat(ask(a, null, sign(JWSAlgorithm.ES256, null, claims("dev-3").build())).username()).contains("dev-3");
        assertThat(ask(a, null, sign(JWSAlgorithm.RS256, null, claims("dev-3").build())).outcome()).isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void unsignedAlgNoneTokensAreDenied() throws Exception {
        String claims = b64("{\"sub\":\"admin\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}");
        for (String header : List.of("{\"alg\":\"none\"}", "{\"alg\":\"None\",\"typ\":\"JWT\"}")) {
            String token = b64(header) + "." + claims + ".";
            assertThat(ask(JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).build(), null, token).outcome())
                    .as(header).isNotEqualTo(AuthResult.Outcome.ALLOW);
            assertThat(ask(JwtAuthenticator.builder(JwtKeys.publicKey(JwtAlgorithm.RS256, rsa.getPublic())).build(), null, token).outcome())
                    .as(header).isNotEqualTo(AuthResult.Outcome.ALLOW);
        }
        String none = b64("{\"alg\":\"none\"}") + "." + claims + ".";
        assertThat(ask(JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).build(), null, none).outcome()).isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void hs256ForgedWithTheRsaPublicKeyAsSecretIsDenied() throws Exception {
        // the classic algorithm confusion: an attacker knows the public key and HMACs with it
        String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
                + b64("{\"sub\":\"admin\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}");
        Path publicPem = pem("PUBLIC KEY", rsa.getPublic().getEncoded());
        JwtAuthenticator a = JwtAuthenticator.builder(JwtKeys.pemFile(JwtAlgorithm.RS256, publicPem)).build();
        for (byte[] key : List.of(rsa.getPublic().getEncoded(), Files.readAllBytes(publicPem))) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String forged = signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
            assertThat(ask(a, null, forged).outcome()).isEqualTo(AuthResult.Outcome.DENY);
        }
    }

    @Test
    void expiryNotBeforeIssuerAndAudienceAreChecked() throws Exception {
        JwtAuthenticator a = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).issuer("https://login.example")
                .audience("mqtt").leeway(Duration.ofSeconds(30)).build();
        Instant now = Instant.now();
        JWTClaimsSet.Builder good = claims("dev").issuer("https://login.example").audience(List.of("mqtt", "web"));
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, good.build())).outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
        // within the leeway an expired token still passes; beyond it, not
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, good.expirationTime(Date.from(now.minusSeconds(10))).build())).outcome())
                .isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, good.expirationTime(Date.from(now.minusSeconds(60))).build())).outcome())
                .isEqualTo(AuthResult.Outcome.DENY);
        JWTClaimsSet.Builder fresh = claims("dev").issuer("https://login.example").audience("mqtt");
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, fresh.notBeforeTime(Date.from(now.plusSeconds(120))).build())).outcome())
                .isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, claims("dev").issuer("https://evil.example").audience("mqtt").build())).outcome())
                .isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, claims("dev").issuer("https://login.example").audience("web").build())).outcome())
                .isEqualTo(AuthResult.Outcome.DENY);
        JWTClaimsSet forever = new JWTClaimsSet.Builder().subject("dev").build();
        JwtAuthenticator lax = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).requireExpiry(false).build();
        assertThat(ask(JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).build(), null, sign(JWSAlgorithm.HS256, null, forever)).outcome())
                .isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask(lax, null, sign(JWSAlgorithm.HS256, null, forever)).outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
    }

    @Test
    void userNameClaimTokenFieldAndPresentedNameMustAgree() throws Exception {
        JwtAuthenticator a = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).usernameClaim("username").build();
        String token = sign(JWSAlgorithm.HS256, null, claims("ignored").claim("username", "alice").build());
        assertThat(ask(a, "alice", token).username()).contains("alice");
        assertThat(ask(a, "mallory", token).outcome()).isEqualTo(AuthResult.Outcome.DENY);
        JwtAuthenticator anyName = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).usernameClaim("username").matchUsername(false).build();
        assertThat(ask(anyName, "unused", token).username()).contains("alice");
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, claims("x").build())).outcome()).isEqualTo(AuthResult.Outcome.DENY);
        JwtAuthenticator inUsername = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).usernameClaim("username")
                .tokenIn(JwtAuthenticator.TokenField.USERNAME).build();
        assertThat(ask(inUsername, token, "anything").username()).contains("alice");
    }

    @Test
    void aclClaimBecomesTheClientsGrant() throws Exception {
        JwtAuthenticator a = JwtAuthenticator.builder(JwtKeys.hmacSecret(SECRET)).build();
        AuthResult r = ask(a, null, sign(JWSAlgorithm.HS256, null, claims("dev-9")
                .claim("acl", Map.of("pub", List.of("devices/%u/up"), "sub", List.of("devices/%u/down"))).build()));
        assertThat(r.attributes().get(GrantedAcl.ATTRIBUTE)).isInstanceOfSatisfying(GrantedAcl.class,
                g -> assertThat(g.rules()).extracting(rule -> rule.filter()).containsExactlyInAnyOrder("devices/%u/up", "devices/%u/down"));
        // a malformed ACL claim denies rather than admitting the client with no or unknown limits
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, claims("dev-9").claim("acl", Map.of("publish", List.of("#"))).build()))
                .outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(ask(a, null, sign(JWSAlgorithm.HS256, null, claims("dev-9").claim("acl", List.of("#")).build()))
                .outcome()).isEqualTo(AuthResult.Outcome.DENY);
    }

    @Test
    void keysOfTheWrongKindOrStrengthAreRefusedUpFront() throws Exception {
        assertThatThrownBy(() -> JwtKeys.hmacSecret("short".getBytes())).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> JwtKeys.publicKey(JwtAlgorithm.RS256, ec.getPublic())).hasMessageContaining("RSA public key");
        assertThatThrownBy(() -> JwtKeys.publicKey(JwtAlgorithm.ES256, rsa.getPublic())).hasMessageContaining("P-256");
        KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
        r.initialize(1024);
        assertThatThrownBy(() -> JwtKeys.publicKey(JwtAlgorithm.RS256, r.generateKeyPair().getPublic())).hasMessageContaining("2048");
        Path notPem = Files.writeString(dir.resolve("x.pem"), "hello");
        assertThatThrownBy(() -> JwtKeys.pemFile(JwtAlgorithm.RS256, notPem)).hasMessageContaining("x.pem");
        assertThatThrownBy(() -> JwtAlgorithm.parse("none")).hasMessageContaining("HS256, RS256 or ES256");
    }
}
