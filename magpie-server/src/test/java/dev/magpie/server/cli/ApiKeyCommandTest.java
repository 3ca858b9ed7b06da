package dev.magpie.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code magpie apikey add|list|remove}, run in-process as the program runs them. */
class ApiKeyCommandTest {
    @TempDir
    Path dir;

    private UserCommandTest.Run run(String... args) {
        return UserCommandTest.run(Map.of(), UserCommandTest.terminal(null, ""), args);
    }

    @Test
    void aKeyIsPrintedOnceListedByNameAndRemoved() {
        String data = dir.resolve("data").toString();
        UserCommandTest.Run add = run("apikey", "add", "backup", "--data-dir", data);
        assertThat(add.exitCode()).isZero();
        String key = add.out().trim();
        assertThat(key).startsWith("mgp_").hasSize(4 + 43);
        assertThat(add.err()).contains("shown only now");

        UserCommandTest.Run list = run("apikey", "list", "--data-dir", data);
        assertThat(list.out()).startsWith("backup\t20").doesNotContain(key);
        assertThat(run("apikey", "add", "backup", "--data-dir", data).exitCode()).as("taken").isEqualTo(2);

        assertThat(run("apikey", "remove", "backup", "--data-dir", data).out()).contains("removed API key backup");
        UserCommandTest.Run again = run("apikey", "remove", "backup", "--data-dir", data);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("there is no API key 'backup'");
        assertThat(run("apikey", "list", "--data-dir", data).err()).contains("no API keys");
    }
}
