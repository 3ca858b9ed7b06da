package dev.magpie.protocol;

import dev.magpie.BrokerCapabilities;
import dev.magpie.Listener;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.observe.LogSafe;
import dev.magpie.security.AuthenticationChain;
import dev.magpie.session.Session;
import dev.magpie.session.SessionRegistry;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Credentials;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Admits or refuses one CONNECT: client identifier rules, authentication (off the event loop), then the
 * session: a new one, the stored one resumed, or another connection's taken over. Answers with CONNACK and
 * hands the attached session to the {@link MqttConnection}.
 *
 * <p>Steps hop threads deliberately: authentication runs on the authentication executor; the session is
 * touched only on its own thread; the connection is finished on its event loop. The operator's barriers (bans,
 * flapping) are {@link ConnectScreen}'s, and every refusal goes out through {@link ConnectRefusal}.
 */
final class ConnectGate {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectGate.class);

    private final Admission admission;
    private final Listener listener;
    private final MqttConnection connection;
    /** Every refusal goes out through here: logged, counted, answered with its CONNACK and closed. */
    private final ConnectRefusal refusal;
    /** Bans, flapping and the will topic's limits, checked before authentication. */
    private final ConnectScreen screen;
    /** Authentication Method and Data for the accepting CONNACK after an AUTH exchange; empty otherwise. */
    private MqttProperties authProperties = MqttProperties.EMPTY;
    /** The client was given an id of its own because its id is another user's ({@code ClientIdPolicy.Ownership.ASSIGN_NEW_ID}). */
    private boolean transientSession;
    /** The client id was claimed cluster-wide ({@link ClientIdClaims}); a second pass through the gate does not claim again. */
    private boolean claimed;

    ConnectGate(Admission admission, Listener listener, MqttConnection connection) {
        this.admission = admission;
        this.listener = listener;
        this.connection = connection;
        this.refusal = new ConnectRefusal(connection, admission.metrics());
        this.screen = new ConnectScreen(admission.bans(), admission.flapping(), admission.limits(), admission.metrics(),
                refusal, connection.remoteAddress());
    }

    void handle(Connect connect) {
        MqttVersion version = connect.version();
        MqttProperties props = connect.properties();
        BrokerCapabilities offered = admission.capabilities();
        connection.negotiated(ClientTerms.of(connect, offered));
        Connect.Will will = connect.will();
        if (will != null) {
            if (will.qos() > offered.maximumQos()) {
                refusal.refuse(ReasonCode.QOS_NOT_SUPPORTED, "will QoS " + will.qos() + " exceeds Maximum QoS"); // [MQTT-3.2.2-12]
                return;
            }
            if (will.retain() && !offered.retainAvailable()) {
                refusal.refuse(ReasonCode.RETAIN_NOT_SUPPORTED, "retained wills are not available"); // [MQTT-3.2.2-13]
                return;
            }
            if (will.properties().integer(PropertyId.PAYLOAD_FORMAT_INDICATOR, 0) == 1 && !Utf8Check.isValid(will.payload())) {
                refusal.refuse(ReasonCode.PAYLOAD_FORMAT_INVALID, "will payload is not the UTF-8 its Payload Format Indicator claims");
                return;
            }
        }

        int maxKeepAlive = admission.settings().maxKeepAlive();
        int keepAlive = connect.keepAliveSeconds();
        if (!version.isV5() && maxKeepAlive > 0 && maxKeepAlive < 65_535 && (keepAlive == 0 || keepAlive > maxKeepAlive)) {
            // 3.1/3.1.1 cannot be told a shorter keep-alive (5.0 gets Server Keep Alive), and a client that is never
            // checked could hold its connection silently for ever: refused as mosquitto's max_keepalive does, with
            // 0x02 Identifier rejected, the only 3.1.1 code that makes a client fix its CONNECT rather than retry
            refusal.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "keep-alive " + (keepAlive == 0 ? "0 (never checked)" : keepAlive + " s")
                    + " is above max_keep_alive " + maxKeepAlive + " s, which a " + version + " client cannot be told");
            return;
        }

        String method = props.string(PropertyId.AUTHENTICATION_METHOD).orElse(null);
        if (method != null && !admission.enhancedAuthentication().supports(method)) {
            // [MQTT-4.12.0-1]: a method the server does not serve may be refused with 0x8C
            refusal.refuse(ReasonCode.BAD_AUTHENTICATION_METHOD, "unsupported authentication method '" + method + "'");
            return;
        }
        String clientId = connect.clientId();
        boolean assigned = false;
        if (clientId.isEmpty()) {
            if (version == MqttVersion.V3_1) {
                refusal.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "MQTT 3.1 requires a client identifier");
                return;
            }
            if (version == MqttVersion.V3_1_1 && !connect.cleanStart()) {
                // [MQTT-3.1.3-8]: an empty id needs Clean Session 1 in 3.1.1
                refusal.refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client identifier with Clean Session 0");
                return;
            }
            clientId = "magpie-" + UUID.randomUUID().toString().replace("-", "");
            assigned = true; // [MQTT-3.1.3-6], 5.0: told to the client in Assigned Client Identifier
        }
        ClientIdGate.Verdict unsafe = ClientIdGate.unsafeName(clientId, connect.username());
        if (unsafe != null) {
            refusal.refuse(unsafe);
            return;
        }
        List<X509Certificate> chain = PeerCertificates.of(connection.context().channel());
        // a name from a verified client certificate stands in for a missing user name (see decideUser)
        String certificateName = connect.username() == null ? CertificateNames.identity(listener, chain).orElse(null) : null;
        String certificateProblem = certificateName == null ? null : CertificateNames.problem(listener, certificateName);
        if (certificateProblem != null) {
            admission.metrics().limitHit("unsafe_name");
            refusal.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "the client certificate's name " + certificateProblem);
            return;
        }
        String presented = connect.username() != null ? connect.username() : certificateName;
        if (screen.isBanned(assigned ? null : clientId, presented) || screen.isFlapping(assigned ? null : clientId)
                || screen.willTopicOverLimit(will)) {
            return;
        }
        Credentials credentials = new Credentials(clientId, presented, connect.password(),
                connection.remoteAddress(), chain, listener.name());
        if (method != null) {
            authenticateWithExchange(connect, method, credentials, presented, assigned);
            return;
        }
        String finalClientId = clientId;
        boolean finalAssigned = assigned;
        EventExecutor loop = connection.context().executor();
        admission.authentication().authenticate(credentials).whenComplete((attempt, failure) -> loop.execute(() -> {
            if (!connection.isOpen()) {
                return;
            }
            if (attempt.isUnavailable()) {
                // throttled, shed or timed out: "come back later" (0x97/0x88; 3.1.1 0x03), never "bad credentials";
                // these come in floods, so the chain logs them (at most a line a second), not each connection
                refusal.answer(attempt.unavailable().reasonCode(), attempt.reason(), null);
                return;
            }
            AuthResult result = attempt.result();
            String username = decideUser(connect, result, presented, certificateName != null);
            if (username == null || (!username.isEmpty() && !username.equals(presented) && screen.isBanned(null, username))) {
                return; // an authenticator may have renamed the client to a banned user
            }
            ClientInfo info = new ClientInfo(finalClientId, username.isEmpty() ? null : username,
                    connection.remoteAddress(), version.level(), listener.name(), result.attributes());
            openSession(connect, info, finalAssigned);
        }));
    }

    /**
     * Enhanced authentication (spec 4.12): the method's authenticator alone decides, through as many AUTH
     * rounds as it needs; the authenticator chain and the listener's anonymous setting play no part. On success
     * the CONNACK names the method and carries the final data [MQTT-4.12.0-5].
     */
    private void authenticateWithExchange(Connect connect, String method, Credentials credentials, String presented, boolean assigned) {
        Optional<AuthenticationChain.Attempt> throttled = admission.authentication().throttledExchange(credentials);
        if (throttled.isPresent()) { // guessing through AUTH exchanges is throttled like CONNECT passwords (issue 10)
            refusal.answer(throttled.get().unavailable().reasonCode(), throttled.get().reason(), null);
            return;
        }
        AuthFlow flow = connection.startAuthFlow(admission.enhancedAuthentication(), method, credentials);
        byte[] data = connect.properties().binary(PropertyId.AUTHENTICATION_DATA).orElse(new byte[0]);
        flow.begin(data, null, false, new AuthFlow.Outcome() {
            @Override
            public void admitted(String username, byte[] finalData) {
                String user = username != null ? username : presented;
                admission.authentication().exchangeEnded(credentials, user, true);
                admission.metrics().authentication("accepted", "enhanced");
                authProperties = flow.properties(finalData);
                openSession(connect, new ClientInfo(credentials.clientId(), user, connection.remoteAddress(), connect.version().level(),
                        listener.name()), assigned);
            }

            @Override
            public void refused(int reasonCode, String reason, String serverReference) {
                LOG.info("{}: {} authentication refused: {}", connection.remoteAddress(), LogSafe.text(method), LogSafe.text(reason));
                admission.metrics().authentication("refused", "enhanced");
                if (reasonCode == ReasonCode.NOT_AUTHORIZED || reasonCode == ReasonCode.BAD_USER_NAME_OR_PASSWORD) {
                    admission.authentication().exchangeEnded(credentials, presented, false);
                }
                refusal.refuse(reasonCode, reasonCode == ReasonCode.PROTOCOL_ERROR ? reason : "not authorized", serverReference);
            }
        });
    }

    /**
     * Applies the outcome of authentication; returns the user name to use ("" for none) or null if refused.
     *
     * <p>A name taken from a client certificate ({@code fromCertificate}) was verified by the TLS handshake,
     * so when no authenticator has an opinion it is accepted even on a listener that refuses anonymous
     * clients. This is a rule here rather than a built-in first authenticator so that the application's
     * authenticators are still asked first and may deny or rename the certificate's holder.
     */
    private String decideUser(Connect connect, AuthResult result, String presented, boolean fromCertificate) {
        switch (result.outcome()) {
            case ALLOW:
                admission.metrics().authentication("accepted", "authenticator");
                return result.username().orElse(presented == null ? "" : presented);
            case DENY:
                LOG.info("{}: authentication refused: {}", connection.remoteAddress(), result.reason().orElse("denied"));
                admission.metrics().authentication("refused", result.serverReference().isPresent() ? "redirected" : "denied");
                if (result.serverReference().isPresent()) {
                    refusal.refuse(result.isPermanentMove() ? ReasonCode.SERVER_MOVED : ReasonCode.USE_ANOTHER_SERVER, result.reason().orElse("redirected"),
                            result.serverReference().get());
                    return null;
                }
                refusal.refuse(connect.username() != null || connect.password() != null ? ReasonCode.BAD_USER_NAME_OR_PASSWORD : ReasonCode.NOT_AUTHORIZED,
                        "not authorized");
                return null;
            default:
                if (fromCertificate) {
                    admission.metrics().authentication("accepted", "certificate");
                    return presented;
                }
                if (!listener.allowAnonymous()) {
                    admission.metrics().authentication("refused", "anonymous_not_allowed");
                    refusal.refuse(presented != null ? ReasonCode.BAD_USER_NAME_OR_PASSWORD : ReasonCode.NOT_AUTHORIZED,
                            "anonymous clients are not allowed on listener " + listener.name());
                    return null;
                }
                if (admission.authentication().isEmpty()) {
                    admission.metrics().authentication("accepted", "anonymous");
                    return presented == null ? "" : presented;
                }
                if (presented != null) {
                    // authenticators exist and none vouched for this name: never trust it
                    admission.metrics().authentication("refused", "unknown_user");
                    refusal.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "unknown user " + presented);
                    return null;
                }
                admission.metrics().authentication("accepted", "anonymous");
                return "";
        }
    }

    private void openSession(Connect connect, ClientInfo requested, boolean assignedId) {
        ClientIdGate.Verdict verdict = ClientIdGate.decide(admission.clientIdOwnership(), admission.sessions(), requested, assignedId);
        if (verdict.refused()) {
            refusal.refuse(verdict);
            return;
        }
        ClientIdClaims claims = admission.lifecycle().claims();
        if (claims != ClientIdClaims.LOCAL && !claimed) {
            claimThenAdmit(claims, connect, verdict);
            return;
        }
        admit(connect, requested, verdict);
    }

    /**
     * A cluster node first claims the id cluster-wide (the previous owner, on another node, is told to close its
     * connection with 0x8E); the CONNACK waits for the claim's stage, the event loop does not.
     */
    private void claimThenAdmit(ClientIdClaims claims, Connect connect, ClientIdGate.Verdict verdict) {
        String clientId = verdict.info().clientId();
        boolean persistent = !verdict.transientSession() && (!connect.cleanStart()
                || SessionRules.expiryAtConnect(connect, admission.settings().maxSessionExpiry().toSeconds()) > 0);
        boolean resume = persistent && !connect.cleanStart();
        EventExecutor loop = connection.context().executor();
        claims.claim(verdict.info(), persistent, resume, loop).whenComplete((answer, failure) -> loop.execute(() -> {
            if (failure != null || !answer.admitted()) {
                refusal.refuse(failure != null ? ReasonCode.SERVER_UNAVAILABLE : answer.refusal(),
                        failure != null ? "client id ownership could not be checked" : answer.reason());
                claims.ended(clientId, admission.sessions().find(clientId).isPresent());
                return;
            }
            if (!connection.isOpen()) {
                claims.ended(clientId, admission.sessions().find(clientId).isPresent());
                return;
            }
            claimed = true;
            if (verdict.transientSession()) {
                admit(connect, verdict.info(), verdict);
            } else {
                openSession(connect, verdict.info(), verdict.assigned()); // decided again: a session may have been adopted
            }
        }));
    }

    private void admit(Connect connect, ClientInfo requested, ClientIdGate.Verdict verdict) {
        if (verdict.transientSession() && !transientSession) {
            transientSession = true;
            LOG.info("{}: client identifier {} belongs to another user's session; admitted as {}", connection.remoteAddress(),
                    LogSafe.text(requested.clientId()), verdict.info().clientId());
        }
        ClientInfo info = verdict.info();
        boolean assigned = verdict.assigned();
        long expiry = transientSession ? 0 : SessionRules.expiryAtConnect(connect, admission.settings().maxSessionExpiry().toSeconds());
        AcceptingConnAck full = AcceptingConnAck.of(admission.settings(), admission.capabilities(), connect, info, expiry, assigned, authProperties);
        Optional<MqttProperties> fitted = ProblemInformation.fit(full.properties(), p -> new ConnAck(false, ReasonCode.SUCCESS, p),
                connect.version(), connection.maxPacketSize());
        if (fitted.isEmpty()) {
            refusal.cannotAnswer(ReasonCode.SUCCESS);
            return;
        }
        AcceptingConnAck connack = full.withProperties(fitted.get());
        EventExecutor loop = connection.context().executor();
        Session existing = verdict.existing();
        if (SessionRules.opening(connect.cleanStart(), existing != null, false, 0) == SessionRules.Opening.FRESH) {
            startFresh(connect, info, expiry, connack);
            return;
        }
        ClientInfo finalInfo = info;
        boolean finalAssigned = assigned;
        Session resumed = existing;
        resumed.execute(() -> {
            if (resumed.isEnded()) {
                // expired between lookup and now: start over as a new session
                loop.execute(() -> openSession(connect, finalInfo, finalAssigned));
                return;
            }
            // decided again here, on the session's thread, where its connection and expiry are current
            if (SessionRules.opening(false, true, resumed.isConnected(), resumed.expirySeconds()) == SessionRules.Opening.FRESH) {
                startFresh(connect, finalInfo, expiry, connack);
                return;
            }
            takeOver(resumed, false);
            attach(resumed, connect, finalInfo, expiry, true, connack);
        });
    }

    /** A new session for the client id; the one it replaces (if any) is taken over and ended first. */
    private void startFresh(Connect connect, ClientInfo info, long expiry, AcceptingConnAck connack) {
        Session fresh = admission.lifecycle().newSession(info.clientId(), info.username(), connection.context().executor());
        SessionRegistry.Claim claim = admission.sessions().claim(fresh);
        if (claim.refusal() == SessionRegistry.Refusal.OWNED_BY_ANOTHER_USER) {
            refusal.refuse(ClientIdGate.foreign(info)); // another user's client claimed this id since the lookup
            return;
        }
        if (claim.refusal() == SessionRegistry.Refusal.SESSIONS_PER_USER) {
            // 0x97 Quota exceeded (3.1.1: 0x03 Server unavailable): the user owns max_sessions_per_user sessions already
            admission.metrics().limitHit("sessions_per_user");
            refusal.refuse(ReasonCode.QUOTA_EXCEEDED, "user " + info.username() + " has " + admission.limits().quotas().maxSessionsPerUser()
                    + " sessions already (max_sessions_per_user)");
            return;
        }
        Session old = claim.replaced();
        Runnable attachFresh = () -> fresh.execute(() -> attach(fresh, connect, info, expiry, false, connack));
        if (old == null) {
            attachFresh.run();
            return;
        }
        boolean queued = old.execute(() -> {
            takeOver(old, true);
            admission.lifecycle().end(old);
            attachFresh.run();
        });
        if (!queued) {
            attachFresh.run();
        }
    }

    /**
     * If another connection holds the session, close it ([MQTT-3.1.4-3] in 5.0, [MQTT-3.1.4-2] in 3.1.1) and
     * deal with its will: one without a delay is published now, and so is any will of a session that ends here
     * ({@code sessionEnds}: the will goes when the delay passes or the session ends, whichever is first, spec
     * 3.1.2.5); a delayed will of a session that goes on is deleted, because this new connection for the client id
     * arrived before the delay passed [MQTT-3.1.2-8]. On the session's thread.
     */
    private void takeOver(Session session, boolean sessionEnds) {
        if (session.connection() instanceof MqttConnection previous) {
            if (SessionRules.publishWillAtTakeover(session.will(), sessionEnds)) {
                admission.lifecycle().publishWill(session);
            } else {
                session.will(null);
            }
            session.detach(previous);
            previous.takenOver();
            admission.metrics().takeover(!sessionEnds);
            LOG.info("{}: session taken over by a new connection", previous.describe());
        }
    }

    /** On the session's thread: CONNACK first, then the session resumes (redelivery) [MQTT-3.2.0-1]. */
    private void attach(Session session, Connect connect, ClientInfo info, long expiry, boolean present, AcceptingConnAck connack) {
        if (claimed && !admission.lifecycle().claims().owns(info.clientId())) {
            // another node's newer claim arrived between this node's claim and now: that node has the client
            admission.lifecycle().end(session);
            connection.context().executor().execute(() -> refusal.refuse(ReasonCode.SERVER_UNAVAILABLE,
                    "client id " + info.clientId() + " was taken over on another cluster node meanwhile"));
            return;
        }
        if (present) {
            admission.lifecycle().reauthorize(session, info); // rules may have changed while the client was away
        }
        session.will(connect.will());
        session.expirySeconds(expiry);
        // [MQTT-3.2.2-2]/[MQTT-3.2.2-3]: Session Present tells whether state was resumed
        connection.connackSent();
        connection.send(new ConnAck(present, ReasonCode.SUCCESS, connack.properties()));
        admission.lifecycle().persistence().attached(session, info, present); // before attach: resending is journaled
        session.connectionTerms(new dev.magpie.session.ConnectionTerms(java.time.Instant.now(), connack.keepAlive(), connect.cleanStart()));
        session.attach(connection, info);
        int finalKeepAlive = connack.keepAlive();
        connection.context().executor().execute(() -> {
            if (!connection.isOpen()) {
                // closed before it was admitted: lost, but no will (the client never got in)
                session.execute(() -> admission.lifecycle().connectionLost(session, connection, false));
                return;
            }
            connection.accepted(info, session, finalKeepAlive);
        });
    }
}
