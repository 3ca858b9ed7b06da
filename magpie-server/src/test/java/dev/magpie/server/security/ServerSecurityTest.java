package dev.magpie.server.security;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.magpie.Broker;
import dev.magpie.Listener;
import dev.magpie.codec.Auth;
import dev.magpie.codec.ConnAck;
import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttPacket;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.PropertyId;
import dev.magpie.codec.ReasonCode;
import dev.magpie.security.acl.Action;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.server.config.ConfigException;
import dev.magpie.server.config.ConfigLoader;
import dev.magpie.server.config.MagpieConfig;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import dev.magpie.spi.Decision;
import dev.magpie.testkit.RawMqttClient;
import dev.magpie.testkit.ScramClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Loading the security section and reloading its files while running. */
class ServerSecurityTest {

    @TempDir
    Path dir;

    private final List<ServerSecurity> opened = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger reloaderLog = (Logger) LoggerFactory.getLogger(SecurityReloader.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        reloaderLog.addAppender(logs);
    }

    @AfterEach
    void close() {
        opened.forEach(ServerSecurity::close);
        reloaderLog.detachAppender(logs);
    }

    private ServerSecurity open(String securityYaml) throws Exception {
        Path config = Files.writeString(dir.resolve("magpie.yaml"), "data_dir: " + dir.resolve("data") + "\nsecurity:\n" + securityYaml);
        ServerSecurity security = ServerSecurity.open(new ConfigLoader(Map.of()).load(config));
        opened.add(security);
        return security;
    }

    private Decision publish(ServerSecurity security, String user, String topic) {
        return security.acl().orElseThrow().explain(user, "c1", topic, Action.PUBLISH).decision();
    }

    /** Two polls: a change is applied once it looked the same on two polls in a row (the settled-file rule). */
    private static void settle(ServerSecurity security) {
        security.pollNow();
        security.pollNow();
    }

    private List<String> warnings() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("keeping")).toList();
    }

    /** Runs a SCRAM-SHA-256 login over raw packets against a broker built from {@code security}; returns the CONNACK's reason code. */
    private static int scramLogin(ServerSecurity security, String user, String password) {
        try (Broker broker = security.applyTo(Broker.builder().listener(Listener.tcp("127.0.0.1", 0).anonymous(false))).build().start();
             RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port("tcp"))) {
            ScramClient scram = new ScramClient(user, password);
            MqttProperties.Builder props = MqttProperties.builder().string(PropertyId.AUTHENTICATION_METHOD, "SCRAM-SHA-256");
            c.send(new Connect(MqttVersion.V5, "scram", true, 60, null, null, null,
                    props.binary(PropertyId.AUTHENTICATION_DATA, scram.clientFirst()).build()));
            MqttPacket answer = c.receive(Duration.ofSeconds(5));
            if (answer instanceof ConnAck refused) {
                return refused.reasonCode();
            }
            byte[] serverFirst = ((Auth) answer).properties().binary(PropertyId.AUTHENTICATION_DATA).orElseThrow();
            c.send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, props.binary(PropertyId.AUTHENTICATION_DATA, scram.clientFinal(serverFirst)).build()));
            return c.receive(ConnAck.class, Duration.ofSeconds(5)).reasonCode();
        }
    }

    @Test
    void enhancedAuthScramChecksTheBuiltinUsersWhenConfigured() throws Exception {
        ServerSecurity security = open("  enhanced_auth: [SCRAM-SHA-256]\n");
        security.users().orElseThrow().add("alice", "pw".toCharArray());

        assertThat(scramLogin(security, "alice", "pw")).isZero();
        assertThat(scramLogin(security, "alice", "nope")).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(security.describe()).contains("enhanced authentication SCRAM-SHA-256");
    }

    @Test
    void withoutEnhancedAuthAScramClientIsToldTheMethodIsNotServed() throws Exception {
        ServerSecurity security = open("  users: builtin\n");
        security.users().orElseThrow().add("alice", "pw".toCharArray());

        assertThat(scramLogin(security, "alice", "pw")).isEqualTo(ReasonCode.BAD_AUTHENTICATION_METHOD);
    }

    @Test
    void aChangedAclFileIsSwappedInAtTheNextPoll() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\n");
        ServerSecurity security = open("  acl_file: acl.conf\n  reload_interval: 0s\n");
        assertThat(publish(security, "u", "a/1")).isEqualTo(Decision.ALLOW);
        assertThat(publish(security, "u", "b/1")).isEqualTo(Decision.DENY);

        Files.writeString(acl, "pattern readwrite b/#\n");
        settle(security);

        assertThat(publish(security, "u", "a/1")).isEqualTo(Decision.DENY);
        assertThat(publish(security, "u", "b/1")).isEqualTo(Decision.ALLOW);
    }

    @Test
    void theReloadThreadPicksUpAChangeWithinTheInterval() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\n");
        ServerSecurity security = open("  acl_file: acl.conf\n  reload_interval: 100ms\n");
        security.startReloading();

        Files.writeString(acl, "pattern readwrite b/#\n");

        await().atMost(Duration.ofSeconds(5)).until(() -> publish(security, "u", "b/1") == Decision.ALLOW);
    }

    @Test
    void aMalformedReloadKeepsTheOldRulesAndLogsOneLineWithFileAndLine() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\n");
        ServerSecurity security = open("  acl_file: acl.conf\n  reload_interval: 0s\n");

        Files.writeString(acl, "pattern readwrite b/#\nbogus\n");
        settle(security);
        settle(security);

        assertThat(publish(security, "u", "a/1")).isEqualTo(Decision.ALLOW);
        assertThat(publish(security, "u", "b/1")).isEqualTo(Decision.DENY);
        assertThat(warnings()).as("reported once, not on every poll").hasSize(1);
        assertThat(warnings().get(0)).contains(acl + ":2: unknown keyword 'bogus'");

        Files.writeString(acl, "pattern readwrite b/#\n");
        settle(security);
        assertThat(publish(security, "u", "b/1")).isEqualTo(Decision.ALLOW);
    }

    @Test
    void aChangeIsNotAppliedBeforeItHasSettled() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\n");
        ServerSecurity security = open("  acl_file: acl.conf\n  reload_interval: 0s\n");

        Files.writeString(acl, "pattern readwrite b/#\n");
        security.pollNow();
        assertThat(publish(security, "u", "b/1")).as("seen once: may still be written").isEqualTo(Decision.DENY);
        security.pollNow();
        assertThat(publish(security, "u", "b/1")).isEqualTo(Decision.ALLOW);
    }

    @Test
    void anEmptiedFileKeepsTheOldRulesWithOneWarning() throws Exception {
        // issue 10: an ACL file truncated for 2 s was loaded and acknowledged QoS 1 deliveries were dropped
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\n");
        ServerSecurity security = open("  acl_file: acl.conf\n  reload_interval: 0s\n");

        Files.writeString(acl, "");
        settle(security);
        settle(security);

        assertThat(publish(security, "u", "a/1")).isEqualTo(Decision.ALLOW);
        assertThat(warnings()).singleElement().asString().contains("acl_file " + acl + " is empty")
                .contains("leave a comment line");

        Files.writeString(acl, "# no rules on purpose\n");
        settle(security);
        assertThat(publish(security, "u", "a/1")).as("a comment-only file is deliberate").isEqualTo(Decision.DENY);
    }

    @Test
    void aDeletedFileKeepsTheOldRules() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\n");
        ServerSecurity security = open("  acl_file: acl.conf\n  reload_interval: 0s\n");

        Files.delete(acl);
        settle(security);

        assertThat(publish(security, "u", "a/1")).isEqualTo(Decision.ALLOW);
        assertThat(warnings()).singleElement().asString().contains("does not exist");
    }

    @Test
    void thePasswordFileIsReloadedToo() throws Exception {
        PasswordHasher hasher = new PasswordHasher(1_000);
        Path passwd = Files.writeString(dir.resolve("passwd"), "bob:" + hasher.hash("one".toCharArray()) + "\n");
        ServerSecurity security = open("  users: none\n  password_file: passwd\n  reload_interval: 0s\n");
        SwappableAuthenticator before = (SwappableAuthenticator) authenticators(security).get(0);
        assertThat(login(before, "bob", "one")).isEqualTo(AuthResult.Outcome.ALLOW);

        Files.writeString(passwd, "bob:" + hasher.hash("two".toCharArray()) + "\n");
        settle(security);

        assertThat(login(before, "bob", "one")).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(login(before, "bob", "two")).isEqualTo(AuthResult.Outcome.ALLOW);
    }

    @Test
    void aMalformedFileAtStartIsAConfigErrorWithFileAndLine() throws Exception {
        Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\ntopic sometimes a\n");
        Files.writeString(dir.resolve("passwd"), "bob:plaintext\n");

        assertThatThrownBy(() -> open("  acl_file: acl.conf\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("acl_file " + dir.resolve("acl.conf") + ":2: unknown access 'sometimes'; use read, write, readwrite or deny");
        assertThatThrownBy(() -> open("  password_file: passwd\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("password_file " + dir.resolve("passwd") + ":1: the password hash of user 'bob'")
                .hasMessageNotContaining("plaintext");
        assertThatThrownBy(() -> open("  acl_file: missing.conf\n"))
                .hasMessage("acl_file " + dir.resolve("missing.conf") + " does not exist");
        assertThat(dir.resolve("data/magpie.db")).as("no database opened when a file is bad").doesNotExist();
    }

    @Test
    void builtinUsersComeFirstThenThePasswordFileAndTheAclIsTheOnlyAuthorizer() throws Exception {
        Files.writeString(dir.resolve("passwd"), "bob:" + new PasswordHasher(1_000).hash("x".toCharArray()) + "\n");
        Files.writeString(dir.resolve("acl.conf"), "");
        ServerSecurity security = open("  password_file: passwd\n  acl_file: acl.conf\n");

        assertThat(authenticators(security)).hasSize(2);
        assertThat(authenticators(security).get(0)).isInstanceOf(dev.magpie.store.UserStoreAuthenticator.class);
        assertThat(security.users()).isPresent();
        assertThat(dir.resolve("data/magpie.db")).exists();
        assertThat(security.describe()).contains("magpie.db").contains("passwd").contains("acl.conf")
                .contains("every 5s");
    }

    @Test
    void withoutFilesAndWithoutUsersNothingIsAdded() throws Exception {
        ServerSecurity security = open("  users: none\n");

        assertThat(authenticators(security)).isEmpty();
        assertThat(security.acl()).isEmpty();
        assertThat(security.describe()).contains("no ACL file, every action allowed");
        MagpieConfig unused = MagpieConfig.defaults();
        assertThat(unused.security().reloadInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    /** The authenticators {@link ServerSecurity#applyTo} adds, in chain order. */
    private static List<dev.magpie.spi.Authenticator> authenticators(ServerSecurity security) {
        List<dev.magpie.spi.Authenticator> added = new ArrayList<>();
        security.users().ifPresent(store -> added.add(new dev.magpie.store.UserStoreAuthenticator(store)));
        security.passwordAuthenticator().ifPresent(added::add);
        return added;
    }

    private static AuthResult.Outcome login(dev.magpie.spi.Authenticator authenticator, String user, String password) {
        return authenticator.authenticate(new Credentials("c", user, password.getBytes(StandardCharsets.UTF_8), null,
                List.of(), "tcp")).toCompletableFuture().join().outcome();
    }
}
