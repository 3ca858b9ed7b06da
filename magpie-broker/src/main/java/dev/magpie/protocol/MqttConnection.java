package dev.magpie.protocol;

import dev.magpie.Listener;
import dev.magpie.codec.Auth;
import dev.magpie.codec.Connect;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttPacketEncoder;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.Subscribe;
import dev.magpie.codec.Unsubscribe;
import dev.magpie.protocol.ConnectionLife.State;
import dev.magpie.session.Session;
import dev.magpie.security.EnhancedAuthentication;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Credentials;
import io.netty.channel.ChannelHandlerContext;
import dev.magpie.observe.LogSafe;
import dev.magpie.observe.TrafficCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.function.Predicate;

/**
 * One client connection: the last handler of the pipeline, owned by the channel's event loop. It keeps what
 * belongs to the connection (protocol version, keep-alive, the client's limits) and hands everything that
 * belongs to the session to the session's thread. CONNECT is handled by {@link ConnectGate}; packets that
 * arrive before the gate has answered are held and replayed in order once the client is in, and dropped if it
 * is refused ([MQTT-3.1.4-5] in 3.1.1, [MQTT-3.1.4-6] in 5.0), by {@link PendingConnect}. What the client is owed
 * and how fast it is read is {@link ConnectionOutput}'s, when its silence ends it {@link KeepAlive}'s, and what
 * goes wrong under it {@link ConnectionFaults}'.
 */
public final class MqttConnection extends ClientChannel {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final ConnectionServices services;
    private final Listener listener;
    private final MqttPacketEncoder encoder;
    /** The CONNECT's deadline and the packets held until the client is in. */
    private final PendingConnect pending = new PendingConnect();
    private final InboundFlows flows;
    private final ConnectionFaults faults;
    private final TrafficCounters traffic;
    /** The loop's counts, taken at the first packet read (event loop). */
    private TrafficCounters.Local counted;

    private ClientInfo client;
    private Session session;
    private boolean willSuppressed;
    private String closeReason = "connection lost";
    /** This client's PUBLISH rate limit; null when none is configured. Event loop only. */
    private final PublishThrottle throttle;
    /** Times the client's silence once it is in; null before, and for a keep-alive of 0. Event loop only. */
    private KeepAlive keepAlive;
    /** The AUTH exchanges, for a client that named an Authentication Method in CONNECT; else null. */
    private AuthFlow authFlow;

    public MqttConnection(ConnectionServices services, Listener listener, MqttPacketEncoder encoder) {
        super(services.limits().unflushedOutput());
        this.services = services;
        this.listener = listener;
        this.encoder = encoder;
        this.flows = new InboundFlows(services.flows(), this);
        this.faults = new ConnectionFaults(this, services.metrics(), encoder);
        this.traffic = services.metrics().traffic();
        this.throttle = PublishThrottle.of(services.limits(), services.metrics(), this);
    }

    // ---- Netty callbacks (event loop) ----

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        // added to a live channel after a WebSocket upgrade: channelActive will not come
        if (context.channel().isActive()) {
            begin(context);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        begin(context);
        context.fireChannelActive();
    }

    /** Starts the connection's life once: the CONNECT timeout runs from here. */
    private void begin(ChannelHandlerContext context) {
        if (this.ctx != null) {
            return;
        }
        this.ctx = context;
        this.reading = new ReadGate(context.channel());
        services.metrics().connectionOpened();
        pending.awaitConnect(context, services.settings().connectTimeout().toMillis(), () -> life.is(State.AWAIT_CONNECT), this::remote);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof MqttPacket packet)) {
            context.fireChannelRead(msg);
            return;
        }
        if (counted == null) {
            counted = traffic.local();
        }
        counted.received(packet); // every packet decoded, whatever the state (mosquitto's messages/received)
        switch (life.get()) {
            case AWAIT_CONNECT -> {
                pending.connectArrived();
                life.connectReceived();
                // hold the socket until the gate answers, so held packets stay bounded
                reading.pause(ReadGate.Reason.CONNECT_PENDING);
                new ConnectGate(services.admission(), listener, this).handle((Connect) packet);
            }
            case AUTHENTICATING, CONNACK_SENT -> {
                if (authFlow != null && authFlow.inProgress()) {
                    authFlow.beforeConnack(packet);
                } else {
                    pending.hold(packet);
                }
            }
            case CONNECTED -> {
                dispatch(packet);
                output.handled(context, reading);
            }
            case CLOSING, CLOSED -> { } // nothing after the end is acted on
        }
    }

    private void dispatch(MqttPacket packet) {
        if (!life.is(State.CONNECTED)) {
            return; // closing: the packets behind the one that ended the connection are not acted on
        }
        if (packet instanceof Publish p) {
            if (throttle != null && !throttle.admit(p, ctx)) {
                return;
            }
            flows.publish(session, p);
        } else if (packet instanceof PubResponse r) {
            flows.publishResponse(session, r);
        } else if (packet instanceof Subscribe s) {
            flows.subscribe(session, s);
        } else if (packet instanceof Unsubscribe u) {
            flows.unsubscribe(session, u);
        } else if (packet instanceof PingReq) {
            output.pingResp(ctx);
        } else if (packet instanceof Disconnect d) {
            onDisconnect(d);
        } else if (packet instanceof Auth a) {
            onAuth(a);
        } else {
            protocolViolation(ReasonCode.PROTOCOL_ERROR, "unexpected " + packet.type());
        }
    }

    /**
     * AUTH from a connected client: 0x19 starts a re-authentication with the CONNECT's method [MQTT-4.12.1-1],
     * 0x18 answers the server's challenge. A client that connected without a method may send no AUTH
     * [MQTT-4.12.0-7]. Other packets keep flowing meanwhile under the earlier authentication (spec 4.12.1).
     */
    private void onAuth(Auth auth) {
        if (authFlow == null) {
            protocolViolation(ReasonCode.PROTOCOL_ERROR, "AUTH from a client that gave no Authentication Method in CONNECT [MQTT-4.12.0-7]");
            return;
        }
        authFlow.whileConnected(auth, client.username());
    }

    /** [MQTT-3.14.4-3]: a normal DISCONNECT discards the will; 5.0 reason 0x04 asks for it to be sent. */
    private void onDisconnect(Disconnect d) {
        SessionRules.OnDisconnect decided = SessionRules.onDisconnect(d, terms.version().isV5(), terms.connectExpiryZero(),
                services.settings().maxSessionExpiry().toSeconds());
        if (decided.protocolError()) {
            protocolViolation(ReasonCode.PROTOCOL_ERROR, "DISCONNECT sets a Session Expiry Interval after a CONNECT without one [MQTT-3.14.2-2]");
            return;
        }
        willSuppressed = !decided.publishWill();
        closeReason = "client disconnected" + (d.reasonCode() == 0 ? "" : String.format(" (reason 0x%02X)", d.reasonCode()));
        if (decided.newExpiry() >= 0) {
            Session s = session;
            s.execute(() -> s.expirySeconds(decided.newExpiry()));
        }
        life.close(ctx, reading); // the client sends nothing after DISCONNECT [MQTT-3.14.4-1]
        flushAndClose();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (keepAlive != null) {
            keepAlive.heard();
        }
        output.readComplete(context);
        context.fireChannelReadComplete();
    }

    /** Every 1.5 x keep-alive without a read from the client ({@link KeepAlive}). */
    private void idle() {
        switch (KeepAlive.onIdle(life.isEnding(), reading)) {
            case CLOSE_NOW -> ctx.close();
            case IGNORE -> { }
            case TIMED_OUT -> {
                LOG.info("{}: keep-alive timeout, closing", describe());
                closeReason = "keep-alive timeout";
                disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep-alive timeout");
            }
        }
    }

    /** A full output stops reading the client ({@link ConnectionOutput}); once it drains, the session sends again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        Session s = session;
        if (output.writabilityChanged(context, reading, life.is(State.CLOSED)) && s != null) {
            s.execute(s::drain);
        }
        context.fireChannelWritabilityChanged();
    }

    /** The client has not taken its output off the socket: close without a word (a DISCONNECT would not get through). */
    @Override
    void outputStalled(String why) {
        if (life.is(State.CLOSED)) {
            return;
        }
        LOG.info("{}: {}, closing", describe(), why);
        services.metrics().limitHit("unflushed_output");
        closeReason = why;
        life.close(ctx, reading);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        services.metrics().connectionClosed();
        life.closed();
        output.closed();
        pending.closed();
        if (keepAlive != null) {
            keepAlive.stop();
        }
        if (authFlow != null) {
            authFlow.close();
        }
        if (session != null) { // set once the connection was accepted; the session is detached below
            Session s = session;
            boolean publishWill = !willSuppressed;
            s.execute(() -> services.lifecycle().connectionLost(s, this, publishWill));
            services.metrics().clients().disconnected();
            LOG.info("{}: disconnected: {}", describe(), closeReason);
            services.events().clientDisconnected(client, closeReason);
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        faults.caught(context, cause, life.is(State.AWAIT_CONNECT));
    }

    /**
     * Closes after a protocol violation with one log line; a 5.0 client is told the reason code [MQTT-4.13.1-1].
     * Callable from any thread (a session's thread finds some violations). Only the first violation counts: the
     * packets buffered behind it are discarded unread, and any found meanwhile on another thread are not logged.
     */
    void protocolViolation(int reasonCode, String message) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> protocolViolation(reasonCode, message));
            return;
        }
        if (life.isEnding()) {
            return;
        }
        LOG.info("{}: protocol violation, closing: {}", describe(), LogSafe.text(message)); // it may quote client text
        closeReason = "protocol violation: " + message;
        if (client != null) {
            services.events().clientError(client, message);
        }
        disconnect(reasonCode, message); // closes without a packet if no CONNACK went out
    }

    // ---- called by ConnectGate on the event loop ----

    /** The CONNECT fixed the client's terms: from now on packets are encoded in its version. */
    void negotiated(ClientTerms negotiated) {
        this.terms = negotiated;
        encoder.version(negotiated.version());
    }

    /** The gate found an Authentication Method it serves: exchanges of AUTH packets follow (spec 4.12). */
    AuthFlow startAuthFlow(EnhancedAuthentication authentication, String method, Credentials credentials) {
        authFlow = new AuthFlow(authentication, this, method, credentials, services.settings().connectTimeout().toMillis());
        return authFlow;
    }

    /** Says why the connection ends, for the log line and the disconnected event. */
    void closeReason(String reason) {
        this.closeReason = reason;
    }

    /** The gate refused the client: the CONNACK with the reason (if any) is written and closes the connection. */
    void refused() {
        life.close(ctx, reading);
    }

    /** The gate accepted the client and attached its session: start keep-alive and replay held packets. */
    void accepted(ClientInfo info, Session attached, int keepAliveSeconds) {
        if (!life.accept()) {
            return; // closing meanwhile: the gate hands the session back (it checks isOpen first)
        }
        this.client = info;
        this.session = attached;
        keepAlive = KeepAlive.start(ctx, keepAliveSeconds, this::idle);
        services.metrics().connectAccepted();
        services.metrics().clients().connected();
        LOG.info("{}: connected ({}, keep-alive {} s)", describe(), terms.version(), keepAliveSeconds);
        services.events().clientConnected(info);
        pending.replay(this::dispatch, () -> life.is(State.CONNECTED));
        output.flush(ctx); // held packets are answered outside a read: no channelReadComplete flushes them
        reading.resume(ReadGate.Reason.CONNECT_PENDING);
    }

    /** Why the socket is not read, if it is not (event loop). */
    ReadGate reading() {
        return reading;
    }

    TopicAliases inboundAliases() {
        return terms.aliases();
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    /** Whether the client is past CONNACK and the connection not closing (event loop). */
    boolean isConnected() {
        return life.is(State.CONNECTED);
    }

    /** Whether the broker or the client has ended the connection (closing or closed); any thread. */
    boolean isEnding() {
        return life.isEnding();
    }

    /** Whether the connection is neither closing nor closed; any thread. */
    boolean isOpen() {
        return !life.isEnding() && ctx.channel().isActive();
    }

    ClientInfo client() {
        return client;
    }

    InetSocketAddress remoteAddress() {
        return ClientAddress.of(ctx.channel());
    }

    /**
     * Disconnects this client if it is connected and {@code which} matches it (an administrator's action, such
     * as a new ban): a 5.0 client is told {@code reasonCode}. Callable from any thread; decided on the event loop.
     */
    public void disconnectIf(Predicate<ClientInfo> which, int reasonCode, String reason) {
        ChannelHandlerContext context = ctx;
        if (context == null) {
            return; // not started yet: it will meet the ban at CONNECT
        }
        context.executor().execute(() -> {
            if (client != null && life.is(State.CONNECTED) && which.test(client)) {
                LOG.info("{}: disconnecting: {}", describe(), reason);
                closeReason = reason;
                disconnect(reasonCode, reason);
            }
        });
    }

    /** Called by the gate (on the session's thread) right before it writes the accepting CONNACK. */
    void connackSent() {
        life.connackSent();
    }

    /** Closes this connection because another took its client id over ([MQTT-3.1.4-3] in 5.0, [MQTT-3.1.4-2] in 3.1.1). */
    void takenOver() {
        ctx.executor().execute(() -> {
            closeReason = "session taken over";
            disconnect(ReasonCode.SESSION_TAKEN_OVER, "another connection with the same client id");
        });
    }

    String describe() {
        return (client != null ? "client " + LogSafe.text(client.clientId()) + " " : "") + remote();
    }

    private String remote() {
        return ctx == null ? "?" : String.valueOf(ClientAddress.of(ctx.channel()));
    }
}
