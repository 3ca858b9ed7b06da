package dev.magpie.spi;

import java.util.concurrent.CompletionStage;

/**
 * Authenticates MQTT 5 clients that name an Authentication Method in CONNECT: a challenge / response
 * exchange of AUTH packets (MQTT 5 spec 4.12, "enhanced authentication"), such as SCRAM or Kerberos.
 * Register one per method with {@code Broker.builder().enhancedAuthenticator(...)}; the broker then picks it
 * by the method name the client sends. A client naming a method no authenticator serves is refused with
 * CONNACK 0x8C (Bad authentication method) [MQTT-4.12.0-1].
 *
 * <p><b>The exchange.</b> {@link #start} receives the Authentication Data of the CONNECT (or of a
 * re-authenticating AUTH 0x19) and answers one {@link AuthStep}:
 * <ul>
 *   <li>{@link AuthStep#challenge} sends the client AUTH 0x18 (Continue authentication) with server data;
 *       the client's next AUTH 0x18 is handed to the step's {@link AuthStep.Continuation}, which answers
 *       the next step. Keep the per-connection state (nonces, the user looked up) in the continuation:
 *       one instance of this interface serves every connection at once.</li>
 *   <li>{@link AuthStep#success} admits the client: CONNACK 0x00, or AUTH 0x00 after a re-authentication,
 *       carrying the Authentication Method and the optional final server data.</li>
 *   <li>{@link AuthStep#notAuthorized}, {@link AuthStep#badCredentials}, {@link AuthStep#useAnotherServer}
 *       and {@link AuthStep#serverMoved} refuse it: CONNACK 0x87 / 0x86 / 0x9C / 0x9D at connect; after a
 *       failed re-authentication a DISCONNECT with the same code, except that 0x86, which DISCONNECT does not
 *       have, becomes 0x87 [MQTT-4.12.1-2].</li>
 * </ul>
 * With an Authentication Method the enhanced authenticator alone decides: the {@link Authenticator} chain
 * is not asked, and a listener's anonymous setting does not matter.
 *
 * <p><b>Re-authentication.</b> A client that connected with a method may send AUTH 0x19 with the same
 * method at any time [MQTT-4.12.1-1]; {@link #start} is called again with
 * {@link EnhancedAuthRequest#isReauthentication()} true. Messages keep flowing under the earlier
 * authentication meanwhile (spec 4.12.1). A connection's identity cannot change: a re-authentication that
 * succeeds under a different user name than the connection's is treated as a failure.
 *
 * <p><b>Threading.</b> {@link #start} and every continuation run on the broker's authentication executor,
 * never on a network event loop, so blocking lookups are acceptable. Each returned stage must complete
 * within the broker's authentication timeout; one that does not, that completes exceptionally, or that
 * answers {@code null}, refuses the client (fail closed). How long the client may take to answer a
 * challenge is bounded by the connect timeout. An exchange abandoned because the client went away is
 * simply dropped: its continuation is never called.
 *
 * <pre>{@code
 * // a toy one-round method: the client sends "user:token", the server checks it
 * EnhancedAuthenticator tokens = new EnhancedAuthenticator() {
 *     public String method() {
 *         return "TOKEN";
 *     }
 *     public CompletionStage<AuthStep> start(EnhancedAuthRequest request) {
 *         String[] parts = new String(request.data(), StandardCharsets.UTF_8).split(":", 2);
 *         boolean ok = parts.length == 2 && tokenService.isValid(parts[0], parts[1]);
 *         return CompletableFuture.completedFuture(ok ? AuthStep.successAs(parts[0]) : AuthStep.notAuthorized("bad token"));
 *     }
 * };
 * Broker broker = Broker.builder().listener(Listener.tcp("127.0.0.1", 1883)).enhancedAuthenticator(tokens).build();
 * }</pre>
 * A multi-round method answers {@code AuthStep.challenge(serverData, clientData -> ...)} instead; the built-in
 * SCRAM-SHA-256 ({@code dev.magpie.security.scram.ScramAuthenticator}) is one.
 */
public interface EnhancedAuthenticator {

    /** The Authentication Method served, e.g. {@code "SCRAM-SHA-256"}; matched exactly (case-sensitive). */
    String method();

    /** Begins one exchange, at CONNECT or at a re-authentication. */
    CompletionStage<AuthStep> start(EnhancedAuthRequest request);
}
