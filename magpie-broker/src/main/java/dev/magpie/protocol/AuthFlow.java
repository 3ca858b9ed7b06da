package dev.magpie.protocol;

import dev.magpie.codec.Auth;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttEncoder;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.security.EnhancedAuthentication;
import dev.magpie.spi.AuthStep;
import dev.magpie.spi.Credentials;
import dev.magpie.spi.EnhancedAuthRequest;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The AUTH packet exchanges of one connection that named an Authentication Method in CONNECT (spec 4.12):
 * the one that decides the CONNECT, then any number of re-authentications the client starts with AUTH 0x19.
 * It alternates turns: the server's turn runs an {@link dev.magpie.spi.EnhancedAuthenticator} step on the
 * authentication executor; the client's turn waits, at most the connect timeout, for its AUTH 0x18. Whatever
 * the client sends out of turn, or under another method, is a protocol error [MQTT-4.12.0-5].
 *
 * <p>Confined to the connection's event loop; results of steps hop back to it. What an exchange ends in is
 * reported to an {@link Outcome}: the connect gate turns it into a CONNACK, the connection (for a
 * re-authentication) into AUTH 0x00 or a DISCONNECT.
 */
final class AuthFlow {
    private static final Logger LOG = LoggerFactory.getLogger(AuthFlow.class);

    /** Where an exchange ends. Called on the event loop, once per exchange, never for an abandoned one. */
    interface Outcome {
        void admitted(String username, byte[] finalData);

        void refused(int reasonCode, String reason, String serverReference);
    }

    private final EnhancedAuthentication authentication;
    private final MqttConnection connection;
    private final String method;
    private final Credentials credentials;
    private final long clientTurnMillis;

    private Outcome outcome;                 // of the exchange in progress; null between exchanges
    private AuthStep.Continuation clientTurn; // set while waiting for the client's AUTH 0x18
    private ScheduledFuture<?> deadline;
    private boolean closed;

    AuthFlow(EnhancedAuthentication authentication, MqttConnection connection, String method, Credentials credentials,
             long clientTurnMillis) {
        this.authentication = authentication;
        this.connection = connection;
        this.method = method;
        this.credentials = credentials;
        this.clientTurnMillis = clientTurnMillis;
    }

    String method() {
        return method;
    }

    /** True from {@link #begin} until the exchange's outcome is known. */
    boolean inProgress() {
        return outcome != null;
    }

    /** Starts an exchange with the client's first Authentication Data (CONNECT, or AUTH 0x19). */
    void begin(byte[] data, String currentUser, boolean reauthentication, Outcome whenDone) {
        this.outcome = whenDone;
        serverTurn(authentication.start(new EnhancedAuthRequest(method, data, credentials, currentUser, reauthentication)));
    }

    /**
     * The client's AUTH 0x18 while an exchange runs. Anything else, or an AUTH when it is not the client's
     * turn, ends the exchange as a protocol error.
     */
    void clientAuth(Auth auth) {
        if (!methodMatches(auth)) {
            end().refused(ReasonCode.PROTOCOL_ERROR, "AUTH with another Authentication Method than CONNECT's [MQTT-4.12.0-5]", null);
            return;
        }
        if (auth.reasonCode() != ReasonCode.CONTINUE_AUTHENTICATION || clientTurn == null) {
            end().refused(ReasonCode.PROTOCOL_ERROR, String.format("unexpected AUTH 0x%02X during an authentication exchange",
                    auth.reasonCode()), null);
            return;
        }
        AuthStep.Continuation next = clientTurn;
        clientTurn = null;
        deadline.cancel(false);
        readOnClientsTurn(false);
        serverTurn(authentication.respond(next, auth.properties().binary(PropertyId.AUTHENTICATION_DATA).orElse(new byte[0]),
                credentials.clientId()));
    }

    /**
     * A packet while the CONNECT's exchange runs: only AUTH or DISCONNECT are allowed before CONNACK
     * [MQTT-3.1.2-30]; a DISCONNECT abandons the attempt.
     */
    void beforeConnack(MqttPacket packet) {
        if (packet instanceof Auth a) {
            clientAuth(a);
        } else if (packet instanceof Disconnect) {
            LOG.info("{}: disconnected during authentication", connection.describe());
            close();
            connection.context().close();
        } else {
            violation(packet.type() + " before CONNACK while authenticating [MQTT-3.1.2-30]");
        }
    }

    /**
     * AUTH from a connected client: 0x19 starts a re-authentication with the CONNECT's method [MQTT-4.12.1-1],
     * 0x18 answers the server's challenge. Success is told with AUTH 0x00; failure with a DISCONNECT carrying
     * the reason code [MQTT-4.12.1-2]. Other packets keep flowing meanwhile under the earlier authentication
     * (spec 4.12.1), because the connection dispatches them as usual.
     */
    void whileConnected(Auth auth, String user) {
        if (!methodMatches(auth)) {
            connection.protocolViolation(ReasonCode.PROTOCOL_ERROR, "AUTH with another Authentication Method than CONNECT's [MQTT-4.12.1-1]");
        } else if (inProgress()) {
            clientAuth(auth);
        } else if (auth.reasonCode() != ReasonCode.REAUTHENTICATE) {
            connection.protocolViolation(ReasonCode.PROTOCOL_ERROR, String.format("AUTH 0x%02X outside an authentication exchange", auth.reasonCode()));
        } else {
            begin(auth.properties().binary(PropertyId.AUTHENTICATION_DATA).orElse(new byte[0]), user, true, new Reauthentication(user));
        }
    }

    /** How a re-authentication ends for the connected client. */
    private final class Reauthentication implements Outcome {
        private final String user;

        Reauthentication(String user) {
            this.user = user;
        }

        @Override
        public void admitted(String username, byte[] finalData) {
            String now = username != null ? username : user;
            if (!Objects.equals(now, user)) {
                // a connection's identity is fixed: ACL decisions and the session were made for it
                refused(ReasonCode.NOT_AUTHORIZED, "re-authenticated as '" + now + "', not as the connection's user", null);
                return;
            }
            LOG.info("{}: re-authenticated", connection.describe());
            connection.send(new Auth(ReasonCode.SUCCESS, properties(finalData)));
        }

        @Override
        public void refused(int reasonCode, String reason, String serverReference) {
            LOG.info("{}: re-authentication refused: {}", connection.describe(), reason);
            connection.closeReason("re-authentication refused");
            // DISCONNECT has no 0x86 (Bad user name or password): it becomes 0x87 (Not authorized); nor 0x88 (Server
            // unavailable, a check that could not be made): it becomes 0x89 (Server busy)
            int code = reasonCode == ReasonCode.BAD_USER_NAME_OR_PASSWORD ? ReasonCode.NOT_AUTHORIZED
                    : reasonCode == ReasonCode.SERVER_UNAVAILABLE ? ReasonCode.SERVER_BUSY : reasonCode;
            connection.disconnect(code, code == ReasonCode.PROTOCOL_ERROR ? reason : "not authorized", serverReference);
        }
    }

    /** Authentication Method and, if any, Authentication Data: what every server AUTH and the CONNACK carry [MQTT-4.12.0-5]. */
    MqttProperties properties(byte[] data) {
        MqttProperties.Builder props = MqttProperties.builder().string(PropertyId.AUTHENTICATION_METHOD, method);
        if (data.length > 0) {
            props.binary(PropertyId.AUTHENTICATION_DATA, data);
        }
        return props.build();
    }

    /** Whether {@code auth} names this flow's method, as every AUTH of the connection must [MQTT-4.12.0-5]. */
    boolean methodMatches(Auth auth) {
        return auth.properties().string(PropertyId.AUTHENTICATION_METHOD).map(method::equals).orElse(false);
    }

    /** Ends an exchange in progress as a protocol error the caller detected. */
    void violation(String reason) {
        if (outcome != null) {
            end().refused(ReasonCode.PROTOCOL_ERROR, reason, null);
        }
    }

    /** The connection closed: an exchange in progress is abandoned. */
    void close() {
        closed = true;
        outcome = null;
        clientTurn = null;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void serverTurn(CompletableFuture<AuthStep> step) {
        EventExecutor loop = connection.context().executor();
        step.thenAccept(answer -> loop.execute(() -> {
            if (!closed && outcome != null && connection.isOpen()) {
                apply(answer);
            }
        }));
    }

    private void apply(AuthStep step) {
        switch (step.kind()) {
            case SUCCESS -> end().admitted(step.username().orElse(null), step.data());
            case FAILURE -> end().refused(step.reasonCode(), step.reason().orElse("refused"), step.serverReference().orElse(null));
            case CHALLENGE -> challenge(step);
        }
    }

    private void challenge(AuthStep step) {
        // no Reason String or User Property: [MQTT-3.1.2-29] forbids them on AUTH when problem information is off,
        // and there is nothing a client could do with them here anyway
        Auth auth = new Auth(ReasonCode.CONTINUE_AUTHENTICATION, properties(step.data())); // [MQTT-4.12.0-2]
        if (MqttEncoder.encodedSize(auth, connection.version()) > connection.maxPacketSize()) {
            end().refused(ReasonCode.NOT_AUTHORIZED, "the challenge exceeds the client's Maximum Packet Size", null);
            return;
        }
        clientTurn = step.next().orElseThrow();
        deadline = connection.context().executor().schedule(() -> {
            if (clientTurn != null && outcome != null) {
                end().refused(ReasonCode.NOT_AUTHORIZED, "no AUTH answer within " + clientTurnMillis + " ms", null);
            }
        }, clientTurnMillis, TimeUnit.MILLISECONDS);
        connection.send(auth);
        readOnClientsTurn(true);
    }

    /**
     * While the CONNECT is being decided, the socket is read only when it is the client's turn to answer AUTH
     * ({@link ReadGate.Reason#CONNECT_PENDING}); a re-authentication leaves reading alone.
     */
    private void readOnClientsTurn(boolean clientsTurn) {
        if (connection.life.is(ConnectionLife.State.AUTHENTICATING)) {
            if (clientsTurn) {
                connection.reading.resume(ReadGate.Reason.CONNECT_PENDING);
            } else {
                connection.reading.pause(ReadGate.Reason.CONNECT_PENDING);
            }
        }
    }

    /** Clears the exchange and returns its outcome, so a late step or timer cannot report twice. */
    private Outcome end() {
        Outcome done = outcome;
        outcome = null;
        clientTurn = null;
        if (deadline != null) {
            deadline.cancel(false);
        }
        readOnClientsTurn(false);
        return done;
    }
}
