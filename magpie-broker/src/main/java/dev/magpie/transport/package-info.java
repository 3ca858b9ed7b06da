/**
 * Netty bootstrap and the four transports. Event-loop groups (native epoll where available, NIO otherwise);
 * one channel initializer per listener kind ({@code Tcp}, {@code Tls}, {@code Ws}, {@code Wss}) on the
 * shared {@code MqttChannelInitializer}, whose handler names are constants; the connection guard (IP bans,
 * connection rate, listener and broker-wide connection limits, checked before a byte is read);
 * the PROXY protocol; TLS contexts with certificate reload, a key checked against its certificate before it is used
 * ({@code KeyPairMatch}, {@code ServerKeyMaterial}) and the cipher suite policy ({@code CipherSuites}); the HTTP router that upgrades MQTT paths to
 * WebSocket and serves user routes and static files, with the HTTP side's rules each in its own class: the
 * handshake checks ({@code WebSocketHandshakeCheck}), file lookup and hidden names ({@code StaticFiles}),
 * streamed file answers ({@code StaticFileResponder}), the caps on answers under way ({@code ResponseSlots}),
 * the write-stall timeout ({@code WriteStallTimeout}) and {@code X-Forwarded-For} ({@code ForwardedFor}).
 *
 * <p>Every kind ends in the same {@code decoder → encoder → mqtt} handlers, so {@code protocol} never knows
 * how the bytes arrived; what it needs from below (the client address learned from a proxy, the TLS peer
 * certificates) it reads from the channel. Called by {@code dev.magpie}; calls {@code protocol}, {@code security.ban} and
 * {@code codec}.
 */
package dev.magpie.transport;
