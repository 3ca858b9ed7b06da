package dev.magpie.security.scram;

import dev.magpie.security.scram.ScramMessages.ClientFinal;
import dev.magpie.security.scram.ScramMessages.ClientFirst;
import dev.magpie.security.scram.ScramMessages.MalformedScramException;
import dev.magpie.spi.AuthStep;
import dev.magpie.spi.EnhancedAuthRequest;
import dev.magpie.spi.EnhancedAuthenticator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as MQTT 5 enhanced authentication, Authentication Method
 * {@value #METHOD}: CONNECT carries the client-first-message, the server answers AUTH 0x18 with its
 * server-first-message, the client's AUTH 0x18 carries the client-final-message with its proof, and the
 * CONNACK (or AUTH 0x00 after a re-authentication) carries the server-final-message {@code v=<signature>},
 * with which the client checks that the server knew its credential too.
 *
 * <ul>
 *   <li>The proof is checked as RFC 5802 section 3 says, {@code H(ClientProof xor HMAC(StoredKey, AuthMessage))
 *       == StoredKey}, compared in constant time; the server never sees the password.</li>
 *   <li>The server nonce is 18 bytes from {@link SecureRandom}, appended to the client's.</li>
 *   <li>No channel binding: gs2 flags {@code n} and {@code y} are accepted, {@code p} refused, and the
 *       client-final-message must echo the exact GS2 header.</li>
 *   <li>An unknown user, or one without a SCRAM credential, gets a challenge like anybody else (a salt and
 *       the default iteration count derived from a per-instance secret, so it is the same at every try) and
 *       is refused only after its proof: a client cannot learn which user names exist.</li>
 *   <li>Malformed messages are refused with 0x87 (Not authorized) and a log line saying what was wrong; a
 *       wrong proof with 0x86 (Bad user name or password).</li>
 *   <li>If CONNECT also has a User Name, it must be the SCRAM user name.</li>
 * </ul>
 *
 * <p>Stateless between exchanges and thread-safe; each exchange keeps its state in its continuation. The
 * work is a few HMACs; the only blocking is the {@link ScramUsers} lookup.
 */
public final class ScramAuthenticator implements EnhancedAuthenticator {
    /** The Authentication Method name. */
    public static final String METHOD = "SCRAM-SHA-256";
    private static final int SERVER_NONCE_BYTES = 18;

    private final ScramUsers users;
    private final Supplier<String> serverNonces;
    private final byte[] mockSecret = new byte[32];

    public ScramAuthenticator(ScramUsers users) {
        this(users, new SecureRandom());
    }

    private ScramAuthenticator(ScramUsers users, SecureRandom random) {
        this(users, random, () -> {
            byte[] nonce = new byte[SERVER_NONCE_BYTES];
            random.nextBytes(nonce);
            return Base64.getEncoder().encodeToString(nonce);
        });
    }

    /** With given server nonces: for tests that replay a published exchange (RFC 7677 section 3). */
    ScramAuthenticator(ScramUsers users, SecureRandom random, Supplier<String> serverNonces) {
        this.users = Objects.requireNonNull(users, "users");
        this.serverNonces = Objects.requireNonNull(serverNonces, "serverNonces");
        random.nextBytes(mockSecret);
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public CompletionStage<AuthStep> start(EnhancedAuthRequest request) {
        ClientFirst first;
        try {
            first = ScramMessages.clientFirst(request.data());
        } catch (MalformedScramException e) {
            return done(AuthStep.notAuthorized("SCRAM: " + e.getMessage()));
        }
        String connectUser = request.credentials().username();
        if (connectUser != null && !connectUser.equals(first.username())) {
            return done(AuthStep.notAuthorized("SCRAM user '" + first.username() + "' differs from CONNECT's User Name '" + connectUser + "'"));
        }
        ScramCredential credential = users.credentialOf(first.username()).orElse(null);
        ScramCredential challenge = credential != null ? credential : mock(first.username());
        String nonce = first.nonce() + serverNonces.get();
        String serverFirst = ScramMessages.serverFirst(nonce, challenge.salt(), challenge.iterations());
        return done(AuthStep.challenge(serverFirst.getBytes(StandardCharsets.UTF_8),
                clientFinal -> done(finish(first, serverFirst, nonce, credential, clientFinal))));
    }

    /** Checks the client-final-message; {@code c} is null for a user without a credential (refused here, not earlier). */
    private AuthStep finish(ClientFirst first, String serverFirst, String nonce, ScramCredential c, byte[] data) {
        ClientFinal last;
        try {
            last = ScramMessages.clientFinal(data);
        } catch (MalformedScramException e) {
            return AuthStep.notAuthorized("SCRAM: " + e.getMessage());
        }
        if (!MessageDigest.isEqual(last.channelBinding(), first.gs2Header().getBytes(StandardCharsets.UTF_8))) {
            return AuthStep.notAuthorized("SCRAM: the channel binding does not repeat the gs2 header");
        }
        if (!MessageDigest.isEqual(last.nonce().getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
            return AuthStep.notAuthorized("SCRAM: the nonce is not the one the server sent");
        }
        if (c == null) {
            return AuthStep.badCredentials("SCRAM: " + users.whyNoCredential(first.username()));
        }
        byte[] authMessage = (first.bare() + "," + serverFirst + "," + last.withoutProof()).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = ScramSha256.hmac(c.storedKey(), authMessage);
        byte[] clientKey = last.proof();
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= clientSignature[i];
        }
        if (!MessageDigest.isEqual(ScramSha256.h(clientKey), c.storedKey())) {
            return AuthStep.badCredentials("SCRAM: wrong password for user '" + first.username() + "'");
        }
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(ScramSha256.hmac(c.serverKey(), authMessage));
        return AuthStep.successAs(first.username(), serverFinal.getBytes(StandardCharsets.UTF_8));
    }

    /** A stand-in credential for a user without one: stable per name, unusable (its keys match no password). */
    private ScramCredential mock(String username) {
        byte[] salt = ScramSha256.hmac(mockSecret, "salt:" + username);
        byte[] key = ScramSha256.hmac(mockSecret, "key:" + username);
        return new ScramCredential(Arrays.copyOf(salt, 16), ScramCredential.DEFAULT_ITERATIONS, key, key);
    }

    private static CompletableFuture<AuthStep> done(AuthStep step) {
        return CompletableFuture.completedFuture(step);
    }
}
