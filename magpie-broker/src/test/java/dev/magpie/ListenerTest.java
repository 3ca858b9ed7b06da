package dev.magpie;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The listener model: factories, defaults, validation and the source-compatible constructor. */
class ListenerTest {
    private static final TlsSettings TLS = TlsSettings.pem(Path.of("server.crt"), Path.of("server.key"));

    @Test
    void oldConstructorAndFactoryStillAgree() {
        assertThat(new Listener("public", Listener.Kind.TCP, "10.0.0.5", 8883, true, 500))
                .isEqualTo(Listener.tcp("10.0.0.5", 8883).named("public").anonymous(true).maxConnections(500));
        assertThat(Listener.tcp("h", 1).tls()).isEmpty();
    }

    @Test
    void factoriesNameListenersAfterTheirKind() {
        assertThat(Listener.tls("h", 8883, TLS)).extracting(Listener::name, Listener::kind).containsExactly("tls", Listener.Kind.TLS);
        assertThat(Listener.ws("h", 8080)).extracting(Listener::name, Listener::kind).containsExactly("ws", Listener.Kind.WS);
        assertThat(Listener.wss("h", 443, TLS)).extracting(Listener::name, Listener::kind).containsExactly("wss", Listener.Kind.WSS);
        assertThat(Listener.wss("h", 443, TLS).tls()).contains(TLS);
        assertThat(Listener.ws("h", 8080).webSocket().paths()).containsExactly("/mqtt");
    }

    @Test
    void secureKindsNeedTlsSettingsAndOthersRefuseThem() {
        assertThatThrownBy(() -> new Listener("x", Listener.Kind.TLS, "h", 1, false, 0)).hasMessageContaining("needs TlsSettings");
        assertThatThrownBy(() -> Listener.tcp("h", 1).withTls(TLS)).hasMessageContaining("only tls and wss");
        assertThatThrownBy(() -> Listener.tls("h", 1, TLS).withWebSocket(WebSocketSettings.defaults())).hasMessageContaining("only ws and wss");
    }

    @Test
    void tlsDefaultsAreModern() {
        assertThat(TLS.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TLS.ciphers()).isEmpty();
        assertThat(TLS.clientAuth()).isEqualTo(TlsSettings.ClientAuth.NONE);
        assertThat(TLS.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(TLS.certificateIdentity()).isEqualTo(TlsSettings.CertificateIdentity.NONE);
        assertThat(TLS.trustedCertificates()).isEmpty();
    }

    @Test
    void tlsSettingsRefuseWeakOrInconsistentChoices() {
        assertThatThrownBy(() -> TLS.withProtocols("TLSv1.1")).hasMessageContaining("TLSv1.1");
        assertThatThrownBy(() -> TLS.withCertificateIdentity(TlsSettings.CertificateIdentity.CN)).hasMessageContaining("needs client authentication");
        TlsSettings mutual = TLS.withClientAuth(TlsSettings.ClientAuth.REQUIRE, Path.of("ca.crt"))
                .withCertificateIdentity(TlsSettings.CertificateIdentity.SUBJECT);
        assertThat(mutual.trustedCertificates()).contains(Path.of("ca.crt"));
        assertThat(TlsSettings.pem(Path.of("a"), Path.of("b"), "secret").toString()).doesNotContain("secret");
    }

    @Test
    void webSocketSettingsValidatePathsAndProxies() {
        WebSocketSettings ws = WebSocketSettings.defaults().withPaths("/mqtt", "/").withTrustedProxies("10.0.0.0/8", "::1");
        assertThat(ws.upgrades("/")).isTrue();
        assertThat(ws.upgrades("/mqtt/x")).isFalse();
        assertThat(WebSocketSettings.defaults().withPaths("*").upgrades("/anything")).isTrue();
        assertThat(WebSocketSettings.defaults().maxMessageSize(1000)).isEqualTo(1000);
        assertThat(WebSocketSettings.defaults().maxFrameSize()).isEqualTo(64 * 1024);
        assertThatThrownBy(() -> WebSocketSettings.defaults().withPaths("mqtt")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> WebSocketSettings.defaults().withTrustedProxies("proxy.example.com")).hasMessageContaining("host names");
    }
}
