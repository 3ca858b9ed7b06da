package dev.magpie.server.cli;

import dev.magpie.security.password.PasswordHasher;
import dev.magpie.security.scram.ScramCredential;
import dev.magpie.store.UserStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code magpie user add|passwd|remove|list}, run in-process as the program would run them. */
class UserCommandTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    /** A terminal fed by the test: console lines (null = no console) or standard input. */
    static Terminal terminal(List<String> consoleLines, String stdin) {
        Deque<String> lines = consoleLines == null ? null : new ArrayDeque<>(consoleLines);
        return new Terminal() {
            @Override
            public boolean hasConsole() {
                return lines != null;
            }

            @Override
            public char[] readHidden(String prompt) {
                String line = lines.poll();
                return line == null ? null : line.toCharArray();
            }

            @Override
            public InputStream stdin() {
                return new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    static Run run(Map<String, String> env, Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MagpieCommand.newCommandLine(env, terminal);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(Map.of(), terminal(null, ""), args);
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private boolean verifies(String user, String password) {
        try (UserStore store = UserStore.open(dir.resolve("data"))) {
            return store.hashOf(user).map(h -> new PasswordHasher().verify(password.toCharArray(), h)).orElse(false);
        }
    }

    /** Whether the stored SCRAM-SHA-256 credential is the one {@code password} gives with its salt and count. */
    private boolean scramMatches(String user, String password) {
        try (UserStore store = UserStore.open(dir.resolve("data"))) {
            return store.scramCredentialOf(user).map(c -> ScramCredential.derive(password.toCharArray(), c.salt(), c.iterations())
                    .orElseThrow().equals(c)).orElse(false);
        }
    }

    @Test
    void addWithPasswordCreatesTheDatabaseAndNeverEchoesThePassword() {
        Run add = run("user", "add", "test", "--password", "123456", "--data-dir", data());

        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out()).contains("added user test to ").contains("magpie.db").doesNotContain("123456");
        assertThat(add.err()).isEmpty();
        assertThat(dir.resolve("data/magpie.db")).exists();
        assertThat(verifies("test", "123456")).isTrue();
        assertThat(scramMatches("test", "123456")).as("SCRAM credential written with the hash").isTrue();
    }

    @Test
    void addingAnExistingUserIsAUsageErrorInOneLine() {
        run("user", "add", "test", "--password", "a", "--data-dir", data());

        Run again = run("user", "add", "test", "--password", "b", "--data-dir", data());

        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).isEqualTo("magpie user add: user 'test' already exists (to change the password:"
                + " magpie user passwd test)" + System.lineSeparator());
        assertThat(verifies("test", "a")).isTrue();
    }

    @Test
    void anInvalidNameIsAUsageError() {
        Run add = run("user", "add", "a/b", "--password", "x", "--data-dir", data());

        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.err()).startsWith("magpie user add: a user name must not contain '+', '#' or '/'");
    }

    @Test
    void withoutPasswordAndWithoutConsoleOneLineIsReadFromStandardInput() {
        Run add = run(Map.of(), terminal(null, "s3cret pass\r\nignored\n"), "user", "add", "alice", "--data-dir", data());

        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out() + add.err()).doesNotContain("s3cret");
        assertThat(verifies("alice", "s3cret pass")).isTrue();
    }

    @Test
    void emptyStandardInputIsAUsageError() {
        Run add = run(Map.of(), terminal(null, ""), "user", "add", "alice", "--data-dir", data());

        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.err()).contains("no password");
    }

    @Test
    void atAConsoleThePasswordIsAskedTwiceAndMustMatch() {
        Run mismatch = run(Map.of(), terminal(List.of("first-pw", "second-pw"), ""), "user", "add", "bob", "--data-dir", data());
        assertThat(mismatch.exitCode()).isEqualTo(2);
        assertThat(mismatch.err()).contains("do not match").doesNotContain("first-pw").doesNotContain("second-pw");

        Run match = run(Map.of(), terminal(List.of("pw", "pw"), ""), "user", "add", "bob", "--data-dir", data());
        assertThat(match.exitCode()).as(match.err()).isZero();
        assertThat(verifies("bob", "pw")).isTrue();
    }

    @Test
    void passwdChangesThePasswordAndRemoveDeletesTheUser() {
        run("user", "add", "test", "--password", "old", "--data-dir", data());

        Run passwd = run("user", "passwd", "test", "--password", "new", "--data-dir", data());
        assertThat(passwd.exitCode()).as(passwd.err()).isZero();
        assertThat(verifies("test", "new")).isTrue();
        assertThat(scramMatches("test", "new")).isTrue();

        Run remove = run("user", "remove", "test", "--data-dir", data());
        assertThat(remove.exitCode()).as(remove.err()).isZero();
        assertThat(remove.out()).contains("removed user test");
        assertThat(verifies("test", "new")).isFalse();
    }

    @Test
    void passwdAndRemoveOfAnUnknownUserAreUsageErrors() {
        run("user", "add", "test", "--password", "x", "--data-dir", data());

        Run passwd = run("user", "passwd", "ghost", "--password", "x", "--data-dir", data());
        Run remove = run("user", "remove", "ghost", "--data-dir", data());

        assertThat(passwd.exitCode()).isEqualTo(2);
        assertThat(passwd.err()).startsWith("magpie user passwd: there is no user 'ghost'");
        assertThat(remove.exitCode()).isEqualTo(2);
    }

    @Test
    void listPrintsNamesSortedOnePerLine() {
        run("user", "add", "zoe", "--password", "x", "--data-dir", data());
        run("user", "add", "alice", "--password", "x", "--data-dir", data());

        Run list = run("user", "list", "--data-dir", data());

        assertThat(list.exitCode()).isZero();
        assertThat(list.out().lines()).containsExactly("alice", "zoe");
    }

    @Test
    void listWithoutADatabaseIsAnIoErrorAndCreatesNothing() {
        Run list = run("user", "list", "--data-dir", data());

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.err()).startsWith("magpie user list: there is no user database ");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void theDataDirComesFromTheConfigFileAndItsEnvironmentOverrides() throws Exception {
        Path config = Files.writeString(dir.resolve("magpie.yaml"), "data_dir: " + dir.resolve("fromfile") + "\n");

        Run add = run(Map.of(), terminal(null, ""), "user", "add", "test", "--password", "x", "--config", config.toString());
        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(dir.resolve("fromfile/magpie.db")).exists();

        Run env = run(Map.of("MAGPIE_DATA_DIR", dir.resolve("fromenv").toString()), terminal(null, ""),
                "user", "add", "test", "--password", "x", "--config", config.toString());
        assertThat(env.exitCode()).as(env.err()).isZero();
        assertThat(dir.resolve("fromenv/magpie.db")).exists();
    }

    @Test
    void aMissingConfigOrUnknownOptionIsAOneLineUsageError() {
        Run config = run("user", "list", "--config", dir.resolve("nope.yaml").toString());
        assertThat(config.exitCode()).isEqualTo(2);
        assertThat(config.err()).startsWith("magpie user list: config file ").contains("does not exist");

        Run option = run("user", "add", "x", "--pasword", "y");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err().lines()).hasSize(1);
        assertThat(option.err()).contains("magpie user add").contains("--help");
    }
}
