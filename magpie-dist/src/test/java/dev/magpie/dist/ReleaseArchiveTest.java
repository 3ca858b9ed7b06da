package dev.magpie.dist;

import dev.magpie.Broker;
import dev.magpie.server.cli.ServeProcess;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The tar.gz a user downloads, unpacked into a temporary directory and used from there with a Java runtime and no
 * Maven: {@code bin/magpie --version}, {@code bin/magpie user add}, {@code bin/magpie serve} with a real Paho client,
 * {@code bin/magpie-health}.
 */
class ReleaseArchiveTest {
    /** The loopback metrics port's start-up line, e.g. {@code metrics on http://127.0.0.1:9883/metrics (loopback only)}. */
    private static final Pattern METRICS = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    static Path unpacked;

    private static UnpackedArchive archive;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void unpack() throws Exception {
        archive = UnpackedArchive.unpack(unpacked);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void theArchiveHoldsTheLaunchersTheJarTheConfigTheExamplesTheDocsAndTheLicences() {
        Path home = archive.home();
        for (String file : List.of("bin/magpie", "bin/magpie.cmd", "bin/magpie-health", "lib/magpie.jar",
                "config/magpie.example.yaml", "config/magpie.yaml", "examples/seed/magpie.yaml", "examples/seed/acl.conf",
                "examples/embedded/magpie-example-embedded.jar", "examples/embedded/pom.xml",
                "systemd/magpie.service", "LICENSE", "NOTICE", "README.md", "docs/operations.md", "docs/embedding.md")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(home.resolve("data")).isDirectory();
        assertThat(home.resolve("bin/magpie")).isExecutable();
        assertThat(home.resolve("bin/magpie-health")).isExecutable();
        // nothing of a source checkout: the launcher must not find a reason to build
        assertThat(home.resolve("pom.xml")).doesNotExist();
        assertThat(home.resolve("magpie-server")).doesNotExist();
    }

    @Test
    void versionPrintsTheVersionAndCommitOfTheBuildWithoutMaven() throws Exception {
        UnpackedArchive.Run run = archive.run(unpacked, Map.of(), "magpie", "--version");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().findFirst()).hasValue("magpie " + Broker.version());
        assertThat(run.err()).doesNotContain("building");
        assertThat(archive.home().resolve("magpie-server")).doesNotExist();
    }

    @Test
    void userAddWritesTheUnpackedDirectorysDataAndServeLetsThatUserIn() throws Exception {
        // from another directory: the data still goes under the unpacked directory (no --config, no --data-dir)
        Path elsewhere = Files.createDirectories(unpacked.resolve("elsewhere"));
        UnpackedArchive.Run add = archive.run(elsewhere, Map.of(), "magpie", "user", "add", "alice", "--password", "alice-pw");
        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(archive.home().resolve("data/magpie.db")).isRegularFile();
        assertThat(elsewhere.resolve("data")).doesNotExist();

        ServeProcess serve = ServeProcess.startCommand(List.of(archive.home().resolve("bin/magpie").toString(), "serve",
                        "--port", "0", "--bind", "127.0.0.1"),
                elsewhere, archive.environment(Map.of("MAGPIE_SYS_INTERVAL", "1s", "MAGPIE_LISTENERS_0_ALLOW_ANONYMOUS", "false",
                        "MAGPIE_SECURITY_USERS", "builtin")), line -> { });
        open.add(serve);
        int port = serve.awaitPort("tcp");

        MqttClient alice = connect(port, "alice", "alice-pw"); // [MQTT-3.2.0-1] the answer is a CONNACK, accepted
        assertThat(alice.isConnected()).isTrue();
        assertThat(sysVersion(alice)).isEqualTo("magpie version " + Broker.version());
        // the user database really decides: a wrong password is refused [MQTT-3.1.4-2]
        assertThatThrownBy(() -> connect(port, "alice", "wrong")).isInstanceOf(MqttException.class);
    }

    @Test
    void theContainersEntrypointServesItsConfigAndTheHealthCheckSeesIt() throws Exception {
        ContainerImage image = ContainerImage.read(archive.home());
        assertThat(image.missingPaths()).as("paths of the Dockerfile that the archive does not have").isEmpty();
        UnpackedArchive.Run add = archive.run(archive.home(), image.environment(), "magpie", "user", "add", "bob", "--password", "bob-pw");
        assertThat(add.exitCode()).as(add.err()).isZero();

        // the image's entrypoint and command, its WORKDIR and ENV, on free ports instead of 1883 and 9883
        Map<String, String> env = new java.util.HashMap<>(image.environment());
        env.putAll(Map.of("MAGPIE_LISTENERS_0_PORT", "0", "MAGPIE_LISTENERS_0_BIND", "127.0.0.1", "MAGPIE_METRICS_PORT", "0"));
        ServeProcess serve = ServeProcess.startCommand(image.command(), image.workingDirectory(), archive.environment(env), line -> { });
        open.add(serve);
        int port = serve.awaitPort("tcp");
        serve.awaitLine("metrics on http://127.0.0.1:");
        int metricsPort = metricsPort(serve);

        MqttClient bob = connect(port, "bob", "bob-pw");
        assertThat(bob.isConnected()).isTrue();
        // the anonymous are refused by the image's config [MQTT-3.1.4-2]
        assertThatThrownBy(() -> connect(port, null, null)).isInstanceOf(MqttException.class);
        UnpackedArchive.Run healthy = archive.run(archive.home(), Map.of(), "magpie-health", String.valueOf(metricsPort));
        assertThat(healthy.exitCode()).as(healthy.err()).isZero();
        assertThat(image.healthCheck()).endsWith("bin/magpie-health");

        serve.terminate();
        await().atMost(Duration.ofSeconds(20)).until(() -> !serve.isAlive());
        UnpackedArchive.Run down = archive.run(archive.home(), Map.of(), "magpie-health", String.valueOf(metricsPort));
        assertThat(down.exitCode()).isEqualTo(1);
    }

    @Test
    void theSeedExampleRunsFromTheArchiveWithItsJarAndTheProgramsJar() throws Exception {
        Path workDir = Files.createDirectories(unpacked.resolve("seed-run"));
        Path home = archive.home();
        String classPath = home.resolve("examples/embedded/magpie-example-embedded.jar") + ":" + home.resolve("lib/magpie.jar");
        ServeProcess seed = ServeProcess.startCommand(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", classPath, "dev.magpie.examples.embedded.SeedBroker", "0", "0"),
                workDir, archive.environment(Map.of()), line -> { });
        open.add(seed);
        seed.awaitLine("Mqtt Server is running");
        Matcher ports = Pattern.compile("MQTT on (\\d+), https and wxs:// on (\\d+)").matcher(String.join("\n", seed.lines()));
        assertThat(ports.find()).as(String.join("\n", seed.lines())).isTrue();

        // the seed's user, on the MQTT port; the HTTPS port's certificate was made in the working directory
        assertThat(connect(Integer.parseInt(ports.group(1)), "test", "123456").isConnected()).isTrue();
        assertThat(workDir.resolve("seed-certs/ca.crt")).isRegularFile();
        assertThat(workDir.resolve("seed-certs/server.crt")).isRegularFile();
    }

    private MqttClient connect(int port, String user, String password) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "archive-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(10);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        open.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(100, 100);
            }
            client.close(true);
        });
        return client;
    }

    /** The retained {@code $SYS/broker/version}, as a subscriber gets it. */
    private static String sysVersion(MqttClient client) throws Exception {
        CompletableFuture<String> version = new CompletableFuture<>();
        client.subscribe("$SYS/broker/version", 0, (topic, message) ->
                version.complete(new String(message.getPayload(), StandardCharsets.UTF_8)));
        return version.get(15, TimeUnit.SECONDS);
    }

    private static int metricsPort(ServeProcess serve) {
        int[] port = new int[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> serve.lines().stream().map(METRICS::matcher).filter(Matcher::find)
                .findFirst().map(m -> port[0] = Integer.parseInt(m.group(1))).isPresent());
        return port[0];
    }
}
