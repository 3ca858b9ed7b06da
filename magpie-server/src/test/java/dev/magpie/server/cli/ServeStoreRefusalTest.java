package dev.magpie.server.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that cannot be used stops {@code magpie serve} at start, as a real process, with exit status 1 and one
 * line naming the file and what to do, never a silent reset: the data directory held by a running broker, a
 * damaged file, a file from a newer Magpie.
 */
class ServeStoreRefusalTest {
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<ServeProcess> servers = new ArrayList<>();

    @AfterEach
    void killEverything() {
        servers.forEach(ServeProcess::close);
    }

    private ServeProcess serve() throws Exception {
        ServeProcess server = ServeProcess.start(Map.of(), "--port", "0", "--data-dir", dataDir.toString());
        servers.add(server);
        return server;
    }

    private static String refusal(ServeProcess server) {
        List<String> lines = server.lines().stream().filter(l -> l.startsWith("magpie: ")).toList();
        assertThat(lines).as(server.output()).hasSize(1);
        assertThat(server.output()).doesNotContain("\tat ");
        return lines.get(0);
    }

    @Test
    void aSecondBrokerOnTheSameDataDirectoryExitsNamingTheLockAndItsHolder() throws Exception {
        ServeProcess first = serve();
        first.awaitPort("tcp");

        ServeProcess second = serve();

        assertThat(second.awaitExit(EXIT_WITHIN)).as(second.output()).isEqualTo(ServeCommand.EXIT_START_FAILED);
        assertThat(refusal(second))
                .contains(dataDir.resolve("magpie.lock").toAbsolutePath().normalize().toString())
                .contains("in use by another running broker (pid ")
                .contains("--data-dir");
        assertThat(first.lines()).as("the first one runs on").noneMatch(l -> l.startsWith("magpie: "));
    }

    @Test
    void aDamagedFileStopsTheStartWithItsNameAndIsLeftAlone() throws Exception {
        Path db = dataDir.resolve("magpie.db");
        byte[] garbage = "not a database ".repeat(100).getBytes(StandardCharsets.UTF_8);
        Files.write(db, garbage);

        ServeProcess server = serve();

        assertThat(server.awaitExit(EXIT_WITHIN)).as(server.output()).isEqualTo(ServeCommand.EXIT_START_FAILED);
        assertThat(refusal(server)).contains(db.toAbsolutePath().normalize().toString()).contains("restore a backup");
        assertThat(Files.readAllBytes(db)).as("never reset").isEqualTo(garbage);
    }

    @Test
    void aFileFromANewerMagpieStopsTheStart() throws Exception {
        ServeProcess first = serve();
        first.awaitPort("tcp");
        first.terminate();
        first.awaitExit(EXIT_WITHIN);
        Path db = dataDir.resolve("magpie.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE message_schema_version SET version = 99");
        }

        ServeProcess server = serve();

        assertThat(server.awaitExit(EXIT_WITHIN)).as(server.output()).isEqualTo(ServeCommand.EXIT_START_FAILED);
        assertThat(refusal(server)).contains(db.toAbsolutePath().normalize().toString()).contains("newer Magpie");
    }
}
