package dev.magpie.server.config;

import dev.magpie.Listener;
import dev.magpie.TlsSettings;
import dev.magpie.WebSocketSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tls, ws and wss listener keys: {@code type}, {@code tls:}, {@code websocket:} and {@code proxy_protocol}. */
class ListenerTransportConfigTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of());

    private ListenerConfig listener(String yaml) {
        return loader.parse("listeners:\n" + yaml, "magpie.yaml").listeners().get(0);
    }

    private static final String TLS_FILES = "    tls:\n      cert_file: /etc/magpie/server.crt\n"
            + "      key_file: /etc/magpie/server.key\n";

    @Test
    void aTlsListenerWithOnlyItsFilesGetsTheDefaults() {
        ListenerConfig config = listener("  - name: secure\n    type: tls\n    port: 8883\n" + TLS_FILES);

        assertThat(config.type()).isEqualTo(ListenerType.TLS);
        assertThat(config.websocket()).isNull();
        assertThat(config.proxyProtocol()).isFalse();
        TlsConfig tls = config.tls();
        assertThat(tls.certFile()).isEqualTo("/etc/magpie/server.crt");
        assertThat(tls.keyFile()).isEqualTo("/etc/magpie/server.key");
        assertThat(tls.keyPassword()).isEmpty();
        assertThat(tls.pkcs12File()).isEmpty();
        assertThat(tls.pkcs12Password()).isEmpty();
        assertThat(tls.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
        assertThat(tls.clientCaFile()).isEmpty();
        assertThat(tls.crlFile()).isEmpty();
        assertThat(tls.certificateIdentity()).isEqualTo(TlsConfig.CertificateIdentity.NONE);
        assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(tls.ciphers()).isEmpty();
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));

        assertThat(config.toListener()).isEqualTo(Listener.tls("0.0.0.0", 8883,
                TlsSettings.pem(Path.of("/etc/magpie/server.crt"), Path.of("/etc/magpie/server.key"))).named("secure"));
    }

    @Test
    void everyTlsKeyIsReadAndMapped() {
        ListenerConfig config = listener("""
                  - name: mutual
                    type: tls
                    tls:
                      cert_file: /c/server.crt
                      key_file: /c/server.key
                      key_password: s3cret
                      client_auth: require
                      client_ca_file: /c/ca.crt
                      crl_file: /c/ca.crl
                      certificate_identity: cn
                      protocols: [TLSv1.3]
                      ciphers: [TLS_AES_128_GCM_SHA256]
                      handshake_timeout: 3s
                """);

        TlsSettings expected = TlsSettings.pem(Path.of("/c/server.crt"), Path.of("/c/server.key"), "s3cret")
                .withProtocols("TLSv1.3")
                .withCiphers(List.of("TLS_AES_128_GCM_SHA256"))
                .withClientAuth(TlsSettings.ClientAuth.REQUIRE, Path.of("/c/ca.crt"))
                .withRevocationList(Path.of("/c/ca.crl"))
                .withHandshakeTimeout(Duration.ofSeconds(3))
                .withCertificateIdentity(TlsSettings.CertificateIdentity.CN);
        assertThat(config.toListener().tls()).contains(expected);
        assertThat(config.tls().clientAuth()).isEqualTo(TlsConfig.ClientAuth.REQUIRE);
        assertThat(config.tls().certificateIdentity()).isEqualTo(TlsConfig.CertificateIdentity.CN);
    }

    @Test
    void optionalClientAuthAndSubjectIdentity() {
        ListenerConfig config = listener("  - type: tls\n" + TLS_FILES
                + "      client_auth: optional\n      client_ca_file: /c/ca.crt\n      certificate_identity: subject\n");

        assertThat(config.toListener().tls().orElseThrow().clientAuth()).isEqualTo(TlsSettings.ClientAuth.OPTIONAL);
        assertThat(config.toListener().tls().orElseThrow().certificateIdentity())
                .isEqualTo(TlsSettings.CertificateIdentity.SUBJECT);
    }

    @Test
    void aPkcs12StoreReplacesThePemFiles() {
        ListenerConfig config = listener("""
                  - type: tls
                    tls:
                      pkcs12_file: /c/server.p12
                      pkcs12_password: changeit
                """);

        assertThat(config.toListener().tls().orElseThrow())
                .isEqualTo(TlsSettings.pkcs12(Path.of("/c/server.p12"), "changeit"));
    }

    @Test
    void aWsListenerGetsDefaultWebSocketSettings() {
        ListenerConfig config = listener("  - name: web\n    type: ws\n    port: 8080\n");

        assertThat(config.websocket()).isEqualTo(WebSocketConfig.DEFAULTS);
        assertThat(config.websocket().paths()).containsExactly("/mqtt");
        assertThat(config.websocket().serveHiddenFiles()).isFalse();
        assertThat(config.websocket().allowedOrigins()).isEmpty();
        assertThat(config.websocket().writeStallTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.websocket().maxConcurrentResponses()).isEqualTo(64);
        assertThat(config.websocket().maxResponsesPerAddress()).isEqualTo(8);
        assertThat(config.tls()).isNull();
        assertThat(config.toListener()).isEqualTo(Listener.ws("0.0.0.0", 8080).named("web"));
    }

    @Test
    void everyWebSocketKeyIsReadAndMapped() {
        ListenerConfig config = listener("""
                  - name: browsers
                    type: wss
                    port: 443
                    proxy_protocol: true
                    tls:
                      cert_file: /c/server.crt
                      key_file: /c/server.key
                    websocket:
                      paths: [/mqtt, /]
                      max_frame_size: 1024
                      max_message_size: 4096
                      static_dir: /srv/www
                      serve_hidden_files: true
                      trusted_proxies: [127.0.0.1, 10.0.0.0/8]
                      allowed_origins: [https://app.example.com, "http://localhost:8080"]
                      write_stall_timeout: 5s
                      max_concurrent_responses: 16
                      max_responses_per_address: 2
                """);

        Listener expected = Listener.wss("0.0.0.0", 443, TlsSettings.pem(Path.of("/c/server.crt"), Path.of("/c/server.key")))
                .named("browsers")
                .proxyProtocol(true)
                .withWebSocket(WebSocketSettings.defaults().withPaths("/mqtt", "/").withMaxFrameSize(1024)
                        .withMaxMessageSize(4096).withStaticFiles(Path.of("/srv/www"))
                        .withTrustedProxies("127.0.0.1", "10.0.0.0/8").withServeHiddenFiles(true)
                        .withAllowedOrigins("https://app.example.com", "http://localhost:8080")
                        .withWriteStallTimeout(Duration.ofSeconds(5)).withMaxConcurrentResponses(16).withMaxResponsesPerAddress(2));
        assertThat(config.toListener()).isEqualTo(expected);
        assertThat(config.proxyProtocol()).isTrue();
    }

    @Test
    void proxyProtocolWorksOnTcpToo() {
        assertThat(listener("  - proxy_protocol: true\n").toListener().proxyProtocol()).isTrue();
    }

    @Test
    void tlsAndWssNeedATlsSectionNamingTheListener() {
        assertThatThrownBy(() -> listener("  - name: secure\n    type: tls\n"))
                .hasMessageContaining("listeners[0].tls is required for listener 'secure' of type tls");
        assertThatThrownBy(() -> listener("  - name: browsers\n    type: wss\n"))
                .hasMessageContaining("tls is required for listener 'browsers' of type wss");
    }

    @Test
    void tcpAndWsRefuseATlsSection() {
        assertThatThrownBy(() -> listener("  - name: plain\n    type: tcp\n" + TLS_FILES))
                .hasMessageContaining("at line 4, column 5")
                .hasMessageContaining("tls is only for tls and wss listeners; listener 'plain' is tcp");
        assertThatThrownBy(() -> listener("  - name: web\n    type: ws\n" + TLS_FILES))
                .hasMessageContaining("listener 'web' is ws");
    }

    @Test
    void tcpAndTlsRefuseAWebSocketSection() {
        assertThatThrownBy(() -> listener("  - name: plain\n    websocket:\n      paths: [/]\n"))
                .hasMessageContaining("websocket is only for ws and wss listeners; listener 'plain' is tcp");
    }

    @Test
    void unknownKeysInTheNewSectionsAreErrorsWithTheirPosition() {
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      certificate: /x.crt\n"))
                .hasMessageContaining("at line 6, column 7")
                .hasMessageContaining("unknown key 'listeners[0].tls.certificate'")
                .hasMessageContaining("cert_file");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      static_files: /srv\n"))
                .hasMessageContaining("at line 4, column 7")
                .hasMessageContaining("unknown key 'listeners[0].websocket.static_files'");
    }

    @Test
    void badValuesAreErrorsNamingTheirKey() {
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      protocols: [TLSv1.1]\n"))
                .hasMessageContaining("listeners[0].tls.protocols")
                .hasMessageContaining("TLSv1.1");
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      client_auth: always\n"))
                .hasMessageContaining("client_auth 'always' is not one of none, optional, require");
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      certificate_identity: email\n"))
                .hasMessageContaining("certificate_identity 'email' is not one of none, cn, subject");
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      client_auth: require\n"))
                .hasMessageContaining("listeners[0].tls.client_ca_file is required with client_auth: require");
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      certificate_identity: cn\n"))
                .hasMessageContaining("listeners[0].tls.certificate_identity");
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      handshake_timeout: 0s\n"))
                .hasMessageContaining("listeners[0].tls.handshake_timeout");
        assertThatThrownBy(() -> listener("  - type: tls\n    tls:\n      key_file: /k\n"))
                .hasMessageContaining("listeners[0].tls.cert_file is required");
        assertThatThrownBy(() -> listener("  - type: tls\n" + TLS_FILES + "      pkcs12_file: /s.p12\n"))
                .hasMessageContaining("listeners[0].tls.pkcs12_file replaces cert_file and key_file");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      max_frame_size: 10\n"))
                .hasMessageContaining("listeners[0].websocket.max_frame_size must be >= 125");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      paths: [mqtt]\n"))
                .hasMessageContaining("listeners[0].websocket.paths")
                .hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      paths: []\n"))
                .hasMessageContaining("listeners[0].websocket.paths");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      trusted_proxies: [not-an-address/99]\n"))
                .hasMessageContaining("listeners[0].websocket.trusted_proxies");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      max_message_size: -1\n"))
                .hasMessageContaining("listeners[0].websocket.max_message_size");
        // issue 10: the HTTP answer bounds and the origin allow-list
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      allowed_origins: [app.example.com]\n"))
                .hasMessageContaining("listeners[0].websocket.allowed_origins")
                .hasMessageContaining("write scheme://host[:port]");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      write_stall_timeout: 0s\n"))
                .hasMessageContaining("listeners[0].websocket.write_stall_timeout must be positive");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      max_concurrent_responses: -1\n"))
                .hasMessageContaining("listeners[0].websocket.max_concurrent_responses must be >= 0");
        assertThatThrownBy(() -> listener("  - type: ws\n    websocket:\n      max_responses_per_address: -1\n"))
                .hasMessageContaining("listeners[0].websocket.max_responses_per_address must be >= 0");
        assertThatThrownBy(() -> listener("  - proxy_protocol: yes please\n"))
                .hasMessageContaining("listeners[0].proxy_protocol");
    }

    @Test
    void relativeFilesResolveAgainstTheConfigFilesDirectory(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path file = Files.writeString(conf.resolve("magpie.yaml"), """
                listeners:
                  - type: wss
                    tls:
                      cert_file: certs/server.crt
                      key_file: /abs/server.key
                      client_auth: optional
                      client_ca_file: ca.crt
                      crl_file: ../crl.pem
                    websocket:
                      static_dir: www
                  - name: p12
                    type: tls
                    tls:
                      pkcs12_file: server.p12
                """);

        MagpieConfig config = loader.load(file);

        Path base = conf.toAbsolutePath().normalize();
        TlsConfig tls = config.listeners().get(0).tls();
        assertThat(tls.certFile()).isEqualTo(base.resolve("certs/server.crt").toString());
        assertThat(tls.keyFile()).isEqualTo("/abs/server.key");
        assertThat(tls.clientCaFile()).isEqualTo(base.resolve("ca.crt").toString());
        assertThat(tls.crlFile()).isEqualTo(dir.toAbsolutePath().normalize().resolve("crl.pem").toString());
        assertThat(config.listeners().get(0).websocket().staticDir()).isEqualTo(base.resolve("www").toString());
        assertThat(config.listeners().get(1).tls().pkcs12File()).isEqualTo(base.resolve("server.p12").toString());
    }

    @Test
    void environmentOverridesReachTheNewKeys() {
        ConfigLoader withEnv = new ConfigLoader(Map.of("MAGPIE_LISTENERS_0_TLS_HANDSHAKE_TIMEOUT", "2s",
                "MAGPIE_LISTENERS_0_PROXY_PROTOCOL", "true"));
        MagpieConfig config = withEnv.applyEnvironment(withEnv.parse("listeners:\n  - type: tls\n" + TLS_FILES, "f"));

        assertThat(config.listeners().get(0).tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.listeners().get(0).proxyProtocol()).isTrue();
    }
}
