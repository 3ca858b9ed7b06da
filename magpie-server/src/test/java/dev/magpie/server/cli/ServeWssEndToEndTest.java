package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;
import dev.magpie.testkit.PahoOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code magpie serve} with a {@code wss} listener from the YAML file, its certificate made by the project's own
 * {@link CertificateAuthority} and named relative to the config file, and Paho v3 connecting over
 * {@code wss://localhost:PORT/mqtt} trusting only that CA.
 */
class ServeWssEndToEndTest {

    @TempDir
    Path dir;

    private final List<ServeCommand.Running> running = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnectForcibly(100, 100);
            }
            client.close();
        }
        running.forEach(ServeCommand.Running::close);
    }

    @Test
    void aWssListenerFromTheConfigFileCarriesMqttForPahoOverWebSocketAndTls() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Test CA", KeySpec.ec(), 30);
        CertifiedKey server = ca.issueServer(ServerNames.of(List.of("localhost"), List.of("127.0.0.1")),
                KeySpec.ec(), 30);
        Path certs = Files.createDirectories(dir.resolve("conf/certs"));
        Files.writeString(certs.resolve("server.crt"), Pem.certificate(server.certificate()));
        Files.writeString(certs.resolve("server.key"), Pem.privateKey(server.privateKey()));
        Path config = Files.writeString(dir.resolve("conf/magpie.yaml"), """
                listeners:
                  - name: secure-ws
                    type: wss
                    bind: 127.0.0.1
                    port: 0
                    allow_anonymous: true
                    tls:
                      cert_file: certs/server.crt     # relative to this file
                      key_file: certs/server.key
                    websocket:
                      paths: [/mqtt]
                """);

        ServeCommand serve = new ServeCommand(Map.of());
        new CommandLine(serve).parseArgs("--config", config.toString(), "--data-dir", dir.resolve("data").toString());
        ServeCommand.Running started = serve.start(new PrintWriter(new StringWriter(), true));
        running.add(started);
        Broker broker = started.broker();
        int port = broker.port("secure-ws");

        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("magpie-test-ca", ca.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        MqttConnectOptions options = PahoOptions.v3();
        options.setSocketFactory(tls.getSocketFactory());
        options.setCleanSession(true);

        MqttClient client = new MqttClient("wss://localhost:" + port + "/mqtt", "wss-e2e", new MemoryPersistence());
        clients.add(client);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
        client.connect(options);
        client.subscribe("e2e/wss", 1, (topic, message) ->
                received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
        client.publish("e2e/wss", new MqttMessage("over wss".getBytes(StandardCharsets.UTF_8)));

        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("e2e/wss over wss");
    }
}
