package dev.magpie.server.client;

import dev.magpie.codec.MqttDecoder;
import dev.magpie.codec.MqttPacketEncoder;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Assembles a client connection's pipeline in one place, each handler under a name:
 * {@code tls} (optional), {@code http} + {@code http-aggregator} + {@code websocket} + {@code websocket-bytes}
 * (optional, the upgrade with subprotocol {@code mqtt} and binary frames) or else {@code foreign-answer}
 * ({@link ForeignAnswerCheck}: an HTTP or TLS answer to plain MQTT), then {@code keep-alive} (added at
 * CONNACK), {@code mqtt-decoder} ({@link MqttDecoder#forClient}, the broker's strict codec), {@code mqtt-encoder}
 * and {@code mqtt-client} ({@link ClientProtocol}).
 */
final class ClientPipeline {
    static final String TLS = "tls";
    static final String HTTP = "http";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String WEBSOCKET = "websocket";
    static final String WEBSOCKET_BYTES = "websocket-bytes";
    static final String FOREIGN_ANSWER = "foreign-answer";
    static final String KEEP_ALIVE = "keep-alive";
    static final String MQTT_DECODER = "mqtt-decoder";
    static final String MQTT_ENCODER = "mqtt-encoder";
    static final String MQTT_CLIENT = "mqtt-client";

    /** The upgrade answer is a few headers; more is not a WebSocket server. */
    private static final int MAX_UPGRADE_RESPONSE = 16 * 1024;

    private ClientPipeline() {
    }

    /** {@code ssl} is null without TLS. */
    static void build(ChannelPipeline p, Endpoint endpoint, SslContext ssl, int maxPacketSize, long handshakeTimeoutMillis,
                      ClientProtocol protocol) {
        if (ssl != null) {
            // host and port: the name is sent as SNI and checked against the certificate (unless --insecure)
            SslHandler tls = ssl.newHandler(p.channel().alloc(), endpoint.host(), endpoint.port());
            tls.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            p.addLast(TLS, tls);
        }
        if (endpoint.isWebSocket()) {
            p.addLast(HTTP, new HttpClientCodec());
            p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_UPGRADE_RESPONSE));
            p.addLast(WEBSOCKET, new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(endpoint.webSocketUri())
                    .subprotocol("mqtt")
                    .maxFramePayloadLength(maxPacketSize + 16)
                    .handleCloseFrames(false) // WebSocketBytes reports the broker's close status and reason
                    .handshakeTimeoutMillis(handshakeTimeoutMillis)
                    .build()));
            p.addLast(WEBSOCKET_BYTES, new WebSocketBytes());
        } else {
            p.addLast(FOREIGN_ANSWER, new ForeignAnswerCheck());
        }
        p.addLast(MQTT_DECODER, MqttDecoder.forClient(protocol.version(), maxPacketSize));
        MqttPacketEncoder encoder = new MqttPacketEncoder();
        encoder.version(protocol.version());
        p.addLast(MQTT_ENCODER, encoder);
        p.addLast(MQTT_CLIENT, protocol);
    }
}
