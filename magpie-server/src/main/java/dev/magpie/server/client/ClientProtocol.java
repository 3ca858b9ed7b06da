package dev.magpie.server.client;

import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Disconnect;
import dev.magpie.codec.MalformedPacketException;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PacketType;
import dev.magpie.codec.PingReq;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.PubResponse;
import dev.magpie.codec.Publish;
import dev.magpie.codec.ReasonCode;
import dev.magpie.codec.SubAck;
import dev.magpie.codec.Subscribe;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client side of one MQTT connection, the last handler of the pipeline {@link ClientPipeline} builds: sends
 * CONNECT once the transport is ready (TCP up, TLS handshake done, WebSocket upgraded), then runs the QoS 1 and 2
 * flows both ways, keeps the connection alive with PINGREQ, and turns every way a connection can end into one
 * {@link ClientFailure}. Packets are the broker's own codec records, so what the broker sends is checked as
 * strictly as what clients send it.
 *
 * <p>Threading: all state is touched on the channel's event loop only; the methods callers use from other
 * threads ({@link #subscribe}, {@link #publish}, {@link #disconnect}) hop onto it and answer with futures.
 * Incoming messages are handed to the consumer on the event loop, before they are acknowledged, so a PUBACK
 * means the message was handled.
 */
final class ClientProtocol extends ChannelDuplexHandler {

    /** What the connection is waiting for, to say which step timed out or failed. */
    enum Stage {
        TCP("the TCP connection"), TLS("the TLS handshake"), WEBSOCKET("the WebSocket upgrade"),
        CONNACK("CONNACK"), CONNECTED("the broker");

        private final String waitingFor;

        Stage(String waitingFor) {
            this.waitingFor = waitingFor;
        }

        String waitingFor() {
            return waitingFor;
        }
    }

    private final Endpoint endpoint;
    private final ClientLogin login;
    private final int maxPacketSize;
    private final Consumer<Publish> messages;
    private final Consumer<String> trace;
    private final CompletableFuture<ConnAck> connected = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final InFlight inFlight = new InFlight();
    /** QoS 2 messages received and handed on, waiting for PUBREL: a duplicate PUBLISH is not handed on twice. */
    private final Set<Integer> awaitingRelease = new HashSet<>();
    private volatile Stage stage = Stage.TCP;
    private ChannelHandlerContext ctx;
    private ClientFailure failure;
    private boolean disconnecting;

    ClientProtocol(Endpoint endpoint, ClientLogin login, int maxPacketSize, Consumer<Publish> messages,
                   Consumer<String> trace) {
        this.endpoint = endpoint;
        this.login = login;
        this.maxPacketSize = maxPacketSize;
        this.messages = messages;
        this.trace = trace;
    }

    Stage stage() {
        return stage;
    }

    MqttVersion version() {
        return login.version();
    }

    CompletableFuture<ConnAck> connected() {
        return connected;
    }

    /** Completes normally after {@link #disconnect}, exceptionally with the {@link ClientFailure} otherwise. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    /** Called when the TCP connection could not be made at all. */
    void connectFailed(ClientFailure why) {
        failure = why;
        connected.completeExceptionally(why);
        closed.completeExceptionally(why);
    }

    CompletableFuture<SubAck> subscribe(List<Subscribe.Subscription> filters) {
        CompletableFuture<SubAck> answer = new CompletableFuture<>();
        onLoop(answer, () -> {
            int id = inFlight.nextPacketId();
            inFlight.subscribing(id, answer);
            send(new Subscribe(id, filters, MqttProperties.EMPTY));
        });
        return answer;
    }

    /** Completes with how the broker settled the message (0x00, or 0x10 no matching subscribers, or a refusal). */
    CompletableFuture<Acknowledgement> publish(String topic, int qos, boolean retain, byte[] payload) {
        CompletableFuture<Acknowledgement> settled = new CompletableFuture<>();
        onLoop(settled, () -> {
            if (qos == 0) {
                Publish publish = new Publish(topic, 0, retain, false, 0, payload, MqttProperties.EMPTY);
                trace.accept("sending " + publish);
                ctx.writeAndFlush(publish).addListener(f -> {
                    if (f.isSuccess()) {
                        settled.complete(Acknowledgement.SENT);
                    }
                    // a failed write closes the channel, which settles the future with the reason
                });
                return;
            }
            int id = inFlight.nextPacketId();
            Publish publish = new Publish(topic, qos, retain, false, id, payload, MqttProperties.EMPTY);
            inFlight.publishing(publish, settled);
            send(publish);
        });
        return settled;
    }

    /** Sends DISCONNECT (normal) and closes; the future completes once the channel is closed. */
    CompletableFuture<Void> disconnect() {
        if (ctx == null || ctx.executor().isShuttingDown()) {
            return closed;
        }
        ctx.executor().execute(() -> {
            if (!ctx.channel().isActive()) {
                closed.complete(null);
                return;
            }
            disconnecting = true;
            trace.accept("sending DISCONNECT");
            ctx.writeAndFlush(Disconnect.NORMAL).addListener(ChannelFutureListener.CLOSE);
        });
        return closed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        if (endpoint.tls().enabled()) {
            stage = Stage.TLS;
        } else if (endpoint.isWebSocket()) {
            stage = Stage.WEBSOCKET;
        } else {
            sendConnect();
        }
        super.channelActive(context);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                fail(TlsFailures.describe(handshake.cause(), endpoint));
            } else if (endpoint.isWebSocket()) {
                stage = Stage.WEBSOCKET;
            } else {
                sendConnect();
            }
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            sendConnect();
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(new ClientFailure(ClientFailure.Kind.TIMEOUT, "no answer to the WebSocket upgrade of "
                    + endpoint.webSocketPath()));
        } else if (event instanceof ClientFailure why) {
            fail(why);
        } else if (event instanceof IdleStateEvent idle) {
            keepAlive(idle);
        }
        super.userEventTriggered(context, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof MqttPacket packet)) {
            throw new IllegalStateException("not an MQTT packet: " + msg.getClass().getName());
        }
        trace.accept("received " + packet);
        if (stage == Stage.CONNACK && !(packet instanceof ConnAck)) {
            fail(protocolError("the broker answered CONNECT with " + packet.type() + " instead of CONNACK"));
            return;
        }
        if (packet instanceof ConnAck ack) {
            connAck(ack);
        } else if (packet instanceof Publish publish) {
            received(publish);
        } else if (packet instanceof PubResponse response) {
            pubResponse(response);
        } else if (packet instanceof SubAck ack) {
            if (inFlight.subAck(ack) == InFlight.Outcome.UNEXPECTED) {
                fail(protocolError("the broker sent a SUBACK for packet id " + ack.packetId() + ", which we never used"));
            }
        } else if (packet instanceof Disconnect disconnect) {
            fail(new ClientFailure(ClientFailure.Kind.REFUSED,
                    "the broker disconnected us: " + Refusals.words(disconnect.reasonCode(), disconnect.properties())));
        }
        // PINGRESP: reading it is enough for the keep-alive check; UNSUBACK: we never unsubscribe
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof MalformedPacketException malformed) {
            String hint = stage == Stage.CONNACK && login.version().isV5()
                    ? " (a broker that speaks only MQTT 3.1.1 answers a 5.0 CONNECT so: try -V 311)" : "";
            fail(protocolError("the broker sent a malformed packet: " + malformed.getMessage() + hint));
        } else if (root instanceof SSLException) {
            fail(TlsFailures.describe(root, endpoint));
        } else if (root instanceof WebSocketClientHandshakeException) {
            fail(new ClientFailure(ClientFailure.Kind.NETWORK, "the WebSocket upgrade of " + endpoint.webSocketPath()
                    + " failed: " + root.getMessage() + " (is this a WebSocket listener, and the path right? --ws-path)"));
        } else if (root instanceof IOException) {
            fail(new ClientFailure(ClientFailure.Kind.NETWORK, "connection to " + endpoint + " lost: " + root.getMessage()));
        } else {
            fail(new ClientFailure(ClientFailure.Kind.NETWORK, "connection to " + endpoint + " failed: " + root, root));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        ClientFailure why = failure;
        if (why == null && !disconnecting) {
            why = new ClientFailure(ClientFailure.Kind.NETWORK, stage == Stage.CONNECTED
                    ? "the broker closed the connection"
                    : "the broker closed the connection while we waited for " + stage.waitingFor() + closedHint());
        }
        if (why == null) {
            closed.complete(null);
            why = new ClientFailure(ClientFailure.Kind.NETWORK, "the connection is closed");
        } else {
            closed.completeExceptionally(why);
        }
        connected.completeExceptionally(why);
        inFlight.failAll(why);
        super.channelInactive(context);
    }

    /** What usually makes a server close before CONNACK, for the message. */
    private String closedHint() {
        if (stage != Stage.CONNACK) {
            return "";
        }
        if (endpoint.tls().enabled()) {
            return " (does the listener want a client certificate? --cert and --key)";
        }
        return endpoint.isWebSocket() ? "" : " (a TLS port closes so on plain MQTT: add --cafile FILE"
                + (login.version().isV5() ? "; a broker that speaks only 3.1.1 may close so on a 5.0 CONNECT: try -V 311)" : ")");
    }

    private void sendConnect() {
        stage = Stage.CONNACK;
        send(login.toConnect(maxPacketSize));
    }

    private void connAck(ConnAck ack) {
        if (stage != Stage.CONNACK) {
            fail(protocolError("the broker sent a second CONNACK"));
            return;
        }
        if (ReasonCode.isFailure(ack.reasonCode())) {
            fail(new ClientFailure(ClientFailure.Kind.REFUSED, "connection refused: "
                    + Refusals.connAck(ack, login.version())));
            return;
        }
        stage = Stage.CONNECTED;
        // the broker may set the keep-alive [MQTT-3.2.2-21]
        int keepAlive = ack.properties().integer(PropertyId.SERVER_KEEP_ALIVE, login.keepAliveSeconds());
        if (keepAlive > 0) {
            // ping after keepAlive s without sending; give up after 1.5 x keepAlive without hearing (as a broker does)
            ctx.pipeline().addBefore(ClientPipeline.MQTT_DECODER, ClientPipeline.KEEP_ALIVE,
                    new IdleStateHandler(keepAlive * 1500L, keepAlive * 1000L, 0, TimeUnit.MILLISECONDS));
        }
        connected.complete(ack);
    }

    private void keepAlive(IdleStateEvent idle) {
        if (idle.state() == IdleState.WRITER_IDLE) {
            send(PingReq.INSTANCE);
        } else if (idle.state() == IdleState.READER_IDLE) {
            fail(new ClientFailure(ClientFailure.Kind.NETWORK, "the broker stopped answering (nothing within 1.5 x the"
                    + " keep-alive, not even PINGRESP)"));
        }
    }

    private void received(Publish publish) {
        switch (publish.qos()) {
            case 0 -> messages.accept(publish);
            case 1 -> {
                messages.accept(publish);
                send(PubResponse.of(PacketType.PUBACK, publish.packetId()));
            }
            default -> {
                if (awaitingRelease.add(publish.packetId())) {
                    messages.accept(publish); // a resent one (DUP) we already have is acknowledged, not repeated [MQTT-4.3.3-2]
                }
                send(PubResponse.of(PacketType.PUBREC, publish.packetId()));
            }
        }
    }

    private void pubResponse(PubResponse response) {
        int id = response.packetId();
        if (response.type() == PacketType.PUBREL) {
            awaitingRelease.remove(id);
            send(PubResponse.of(PacketType.PUBCOMP, id));
            return;
        }
        InFlight.Outcome outcome = inFlight.answer(response);
        if (outcome == InFlight.Outcome.UNEXPECTED) {
            fail(protocolError("the broker sent " + response.type() + " for packet id " + id + ", which is not in flight"));
        } else if (outcome == InFlight.Outcome.RELEASE) {
            send(PubResponse.of(PacketType.PUBREL, id));
        }
    }

    private void send(MqttPacket packet) {
        trace.accept("sending " + packet);
        ctx.writeAndFlush(packet).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    /** Runs {@code action} on the event loop unless the connection has ended, which fails {@code answer}. */
    private void onLoop(CompletableFuture<?> answer, Runnable action) {
        ctx.executor().execute(() -> {
            if (stage != Stage.CONNECTED || !ctx.channel().isActive() || failure != null || disconnecting) {
                answer.completeExceptionally(failure != null ? failure
                        : new ClientFailure(ClientFailure.Kind.NETWORK, "the connection is closed"));
                return;
            }
            action.run();
        });
    }

    private ClientFailure protocolError(String message) {
        return new ClientFailure(ClientFailure.Kind.NETWORK, message);
    }

    /** Records the first failure (the cause; later ones are its consequences) and closes the connection. */
    private void fail(ClientFailure why) {
        if (failure == null) {
            failure = why;
        }
        if (ctx != null) {
            ctx.close();
        }
    }
}
