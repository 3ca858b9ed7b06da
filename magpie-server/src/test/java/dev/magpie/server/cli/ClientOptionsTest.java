package dev.magpie.server.cli;

import dev.magpie.codec.MqttVersion;
import dev.magpie.server.client.ClientLogin;
import dev.magpie.server.client.Endpoint;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decisions {@link ClientOptions} makes from pub/sub flags, without a broker: ports, TLS, URLs, sessions. */
class ClientOptionsTest {

    private static ClientOptions parse(String... args) {
        SubCommand sub = new SubCommand(Map.of(), null);
        new CommandLine(sub).parseArgs(args);
        return sub.client;
    }

    private static Terminal pipe(String input) {
        InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        return new Terminal() {
            @Override
            public boolean hasConsole() {
                return false;
            }

            @Override
            public char[] readHidden(String prompt) {
                return null;
            }

            @Override
            public InputStream stdin() {
                return in;
            }
        };
    }

    private static ClientLogin login(String... args) throws IOException {
        return parse(args).login("magpie-sub-", pipe(""), Map.of(), false);
    }

    @Test
    void thePortFollowsTheTransportAsMosquittoAndUrlsHaveIt() {
        assertThat(parse().endpoint().port()).isEqualTo(1883);
        assertThat(parse("--cafile", "ca.crt").endpoint().port()).isEqualTo(8883);
        assertThat(parse("--ws").endpoint()).hasToString("ws://localhost:80/mqtt");
        assertThat(parse("--ws", "--tls-use-os-certs", "--ws-path", "/ws").endpoint()).hasToString("wss://localhost:443/ws");
        assertThat(parse("-L", "wss://example.com").endpoint()).hasToString("wss://example.com:443/mqtt");
        assertThat(parse("-L", "mqtts://example.com").endpoint()).hasToString("mqtts://example.com:8883");
    }

    @Test
    void anMqttUrlCarriesUserPasswordAndTopicAsMosquittosDashL() throws IOException {
        ClientOptions options = parse("-L", "mqtt://test:12%2F34@broker.example:1884/a/b%20c");

        Endpoint endpoint = options.endpoint();
        assertThat(endpoint).hasToString("mqtt://broker.example:1884");
        assertThat(options.urlTopic()).contains("a/b c");
        ClientLogin login = options.login("p-", pipe(""), Map.of(), false);
        assertThat(login.username()).isEqualTo("test");
        assertThat(new String(login.password(), StandardCharsets.UTF_8)).isEqualTo("12/34");
        // for ws:// the path is the WebSocket endpoint, not a topic
        assertThat(parse("-L", "ws://h:9001/mqtt").urlTopic()).isEmpty();
    }

    @Test
    void conflictingOrIncompleteTlsOptionsAreUsageErrors() {
        assertThatThrownBy(() -> parse("-L", "mqtt://h", "-p", "1884").endpoint()).isInstanceOf(UsageException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> parse("--insecure").endpoint()).hasMessageContaining("--insecure is about TLS");
        assertThatThrownBy(() -> parse("--cert", "c.crt").endpoint()).hasMessageContaining("--cert and --key go together");
        assertThat(parse("--cert", "c.crt", "--key", "c.key", "--cafile", "ca.crt").endpoint().tls().caFile())
                .contains(Path.of("ca.crt"));
    }

    @Test
    void persistentSessionsNeedAnIdAnd50SessionsNeverExpireUnlessMinusXSaysSo() throws IOException {
        // [MQTT-3.1.3-7] a persistent session needs a client id
        assertThatThrownBy(() -> login("-c")).hasMessageContaining("-c needs -i ID");
        assertThat(login("-c", "-i", "r").sessionExpirySeconds()).isEqualTo(ClientLogin.NEVER_EXPIRES);
        assertThat(login("-c", "-i", "r", "-x", "300").sessionExpirySeconds()).isEqualTo(300);
        assertThat(login("-x", "never").sessionExpirySeconds()).isEqualTo(ClientLogin.NEVER_EXPIRES);
        assertThat(login("-c", "-i", "r", "-V", "311").cleanStart()).isFalse();
        assertThatThrownBy(() -> login("-x", "5", "-V", "311")).hasMessageContaining("-x is MQTT 5.0 only");
        assertThatThrownBy(() -> login("-x", "soon")).hasMessageContaining("is not a session expiry");
    }

    @Test
    void versionsAreReadInMosquittosSpellingsAndTheDefaultIs50() throws IOException {
        assertThat(login().version()).isEqualTo(MqttVersion.V5);
        assertThat(login("-V", "mqttv311").version()).isEqualTo(MqttVersion.V3_1_1);
        assertThat(login("-V", "31").version()).isEqualTo(MqttVersion.V3_1);
        assertThat(login("-V", "3.1.1").clientId()).startsWith("magpie-sub-");
    }

    @Test
    void thePasswordComesFromMinusPTheEnvironmentWithAUserOrOneLineOfInput() throws IOException {
        ClientOptions fromEnvironment = parse("-u", "test");
        ClientOptions noUser = parse();
        ClientOptions asked = parse("-u", "test", "--ask-password");

        assertThat(fromEnvironment.login("p-", pipe(""), Map.of(ClientOptions.PASSWORD_VARIABLE, "pw"), false).password())
                .isEqualTo("pw".getBytes(StandardCharsets.UTF_8));
        // without -u the variable is not sent: a password nobody asked for does not leave the machine
        assertThat(noUser.login("p-", pipe(""), Map.of(ClientOptions.PASSWORD_VARIABLE, "pw"), false).password()).isNull();
        assertThat(asked.login("p-", pipe("typed\n"), Map.of(), false).password())
                .isEqualTo("typed".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> parse("-u", "test", "--ask-password").login("p-", pipe("x\n"), Map.of(), true))
                .hasMessageContaining("carries the messages");
    }
}
