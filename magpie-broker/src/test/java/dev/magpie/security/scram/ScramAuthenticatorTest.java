package dev.magpie.security.scram;

import dev.magpie.spi.AuthStep;
import dev.magpie.spi.Credentials;
import dev.magpie.spi.EnhancedAuthRequest;
import dev.magpie.testkit.ScramClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** SCRAM-SHA-256 on its own: the RFC 7677 exchange byte for byte, refusals, and strict parsing. */
class ScramAuthenticatorTest {
    // RFC 7677 section 3
    private static final String VECTOR_CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String VECTOR_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String VECTOR_SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String VECTOR_CLIENT_FINAL =
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String VECTOR_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static final ScramCredential PENCIL = ScramCredential.derive("pencil".toCharArray(),
            Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096).orElseThrow();

    private final ScramAuthenticator scram = new ScramAuthenticator(users(Map.of("user", PENCIL)), new SecureRandom(), () -> VECTOR_SERVER_NONCE);

    private static ScramUsers users(Map<String, ScramCredential> credentials) {
        return name -> Optional.ofNullable(credentials.get(name));
    }

    private static EnhancedAuthRequest request(String data) {
        return request(data.getBytes(StandardCharsets.UTF_8), null);
    }

    private static EnhancedAuthRequest request(byte[] data, String connectUser) {
        return new EnhancedAuthRequest(ScramAuthenticator.METHOD, data,
                new Credentials("c1", connectUser, null, null, List.of(), "tcp"), null, false);
    }

    private static AuthStep step(java.util.concurrent.CompletionStage<AuthStep> stage) {
        return stage.toCompletableFuture().join();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theRfc7677ExchangeIsReproducedByteForByte() {
        AuthStep challenge = step(scram.start(request(VECTOR_CLIENT_FIRST)));
        assertThat(challenge.kind()).isEqualTo(AuthStep.Kind.CHALLENGE);
        assertThat(text(challenge.data())).isEqualTo(VECTOR_SERVER_FIRST);

        AuthStep done = step(challenge.next().orElseThrow().respond(VECTOR_CLIENT_FINAL.getBytes(StandardCharsets.UTF_8)));
        assertThat(done.kind()).isEqualTo(AuthStep.Kind.SUCCESS);
        assertThat(done.username()).contains("user");
        assertThat(text(done.data())).isEqualTo(VECTOR_SERVER_FINAL);
    }

    @Test
    void theStoredCredentialRoundTripsThroughItsRfc5803TextForm() {
        String text = PENCIL.encode();
        assertThat(text).startsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$");
        assertThat(ScramCredential.parse(text)).contains(PENCIL);
        assertThat(ScramCredential.parse("SCRAM-SHA-256$4096:abc$def")).isEmpty();
        assertThat(ScramCredential.parse("SCRAM-SHA-256$0:AAAA$" + "A".repeat(44) + ":" + "A".repeat(44))).isEmpty();
        assertThat(PENCIL.toString()).doesNotContain(Base64.getEncoder().encodeToString(PENCIL.storedKey()));
    }

    @Test
    void anIndependentClientAuthenticatesAndVerifiesTheServer() {
        ScramAuthenticator live = new ScramAuthenticator(users(Map.of("us,er=", PENCIL)));
        ScramClient client = new ScramClient("us,er=", "pencil");
        AuthStep challenge = step(live.start(request(client.clientFirst(), null)));
        AuthStep done = step(challenge.next().orElseThrow().respond(client.clientFinal(challenge.data())));
        assertThat(done.kind()).isEqualTo(AuthStep.Kind.SUCCESS);
        assertThat(done.username()).contains("us,er=");
        assertThat(client.verifyServerFinal(done.data())).isTrue();
    }

    @Test
    void aWrongPasswordIsBadCredentials() {
        ScramClient client = new ScramClient("user", "pencil!");
        AuthStep challenge = step(scram.start(request(client.clientFirst(), null)));
        AuthStep done = step(challenge.next().orElseThrow().respond(client.clientFinal(challenge.data())));
        assertThat(done.kind()).isEqualTo(AuthStep.Kind.FAILURE);
        assertThat(done.reasonCode()).isEqualTo(0x86);
        assertThat(done.reason().orElseThrow()).contains("wrong password for user 'user'");
    }

    @Test
    void anUnknownUserIsChallengedLikeAKnownOneAndRefusedAtTheEnd() {
        ScramClient client = new ScramClient("nobody", "x");
        AuthStep first = step(scram.start(request(client.clientFirst(), null)));
        AuthStep again = step(scram.start(request(new ScramClient("nobody", "y").clientFirst(), null)));
        assertThat(first.kind()).isEqualTo(AuthStep.Kind.CHALLENGE);
        // the same salt each time, as for a real user: nothing tells the client the name is unknown
        assertThat(text(first.data()).split(",")[1]).isEqualTo(text(again.data()).split(",")[1]);
        AuthStep done = step(first.next().orElseThrow().respond(client.clientFinal(first.data())));
        assertThat(done.reasonCode()).isEqualTo(0x86);
        assertThat(done.reason().orElseThrow()).contains("unknown user 'nobody'");
    }

    @Test
    void gs2FlagYIsAcceptedAndChannelBindingRefused() {
        ScramClient y = new ScramClient("user", "pencil", "y,,", "abcdef");
        AuthStep challenge = step(scram.start(request(y.clientFirst(), null)));
        assertThat(step(challenge.next().orElseThrow().respond(y.clientFinal(challenge.data()))).kind()).isEqualTo(AuthStep.Kind.SUCCESS);

        AuthStep p = step(scram.start(request("p=tls-unique,,n=user,r=abc")));
        assertThat(p.kind()).isEqualTo(AuthStep.Kind.FAILURE);
        assertThat(p.reason().orElseThrow()).contains("channel binding");
    }

    @Test
    void theChannelBindingMustRepeatTheGs2Header() {
        // the client said "y" but claims "n" in the final message: a downgrade RFC 5802 section 6 guards against
        ScramClient liar = new ScramClient("user", "pencil", "y,,", "abcdef");
        AuthStep challenge = step(scram.start(request(liar.clientFirst(), null)));
        String honest = text(liar.clientFinal(challenge.data()));
        String forged = honest.replaceFirst("c=[^,]*", "c=biws");
        AuthStep done = step(challenge.next().orElseThrow().respond(forged.getBytes(StandardCharsets.UTF_8)));
        assertThat(done.reasonCode()).isEqualTo(0x87);
        assertThat(done.reason().orElseThrow()).contains("channel binding");
    }

    @Test
    void aUserNameInConnectMustBeTheScramUser() {
        AuthStep done = step(scram.start(request(VECTOR_CLIENT_FIRST.getBytes(StandardCharsets.UTF_8), "mallory")));
        assertThat(done.reasonCode()).isEqualTo(0x87);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "n", "n,", "n,,", "x,,n=user,r=abc", "n,,r=abc,n=user", "n,,n=user", "n,,n=,r=abc",
            "n,,n=us=er,r=abc", "n,,n=user,r=a b", "n,,m=ext,n=user,r=abc", "n,a=other,n=user,r=abc", "n,z,n=user,r=abc",
            "n,,n=user,r=abc,", "n,,n=user,r=abc,1=x", "n,,n=user,r=abc,p=x"})
    void malformedClientFirstMessagesAreRefusedWithoutAnException(String message) {
        AuthStep done = step(scram.start(request(message)));
        assertThat(done.kind()).isEqualTo(AuthStep.Kind.FAILURE);
        assertThat(done.reasonCode()).isEqualTo(0x87);
        assertThat(done.reason().orElseThrow()).startsWith("SCRAM: ");
    }

    @Test
    void aClientFirstMessageThatIsNotUtf8IsRefused() {
        AuthStep done = step(scram.start(request(new byte[]{'n', ',', ',', 'n', '=', (byte) 0xC3, 0x28, ',', 'r', '=', 'a'}, null)));
        assertThat(done.reason().orElseThrow()).contains("not UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "c=biws", "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            "c=biws,r=rOprNGfwEbeRWgbNEkqOother,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "c=!!!,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="})
    void malformedOrForeignClientFinalMessagesAreRefused(String message) {
        AuthStep challenge = step(scram.start(request(VECTOR_CLIENT_FIRST)));
        AuthStep done = step(challenge.next().orElseThrow().respond(message.getBytes(StandardCharsets.UTF_8)));
        assertThat(done.kind()).isEqualTo(AuthStep.Kind.FAILURE);
        assertThat(done.reasonCode()).isEqualTo(0x87);
    }

    @Test
    void saslPrepMapsSpacesDropsInvisiblesNormalisesAndRefusesControls() {
        assertThat(SaslPrep.prepare("I\u00ADX")).contains("IX");          // RFC 4013 section 3 examples
        assertThat(SaslPrep.prepare("user")).contains("user");
        assertThat(SaslPrep.prepare("USER")).contains("USER");
        assertThat(SaslPrep.prepare("\u00AA")).contains("a");
        assertThat(SaslPrep.prepare("\u2168")).contains("IX");
        assertThat(SaslPrep.prepare("\u0007")).isEmpty();
        assertThat(SaslPrep.prepare("\u0627\u0031")).isEmpty();           // RandALCat not at both ends
        assertThat(SaslPrep.prepare("a\u00A0b")).contains("a b");
        assertThat(ScramCredential.derive("bell\u0007".toCharArray(), new SecureRandom())).isEmpty();
    }
}
