package dev.magpie.security.mosquitto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.magpie.security.password.PasswordHasher;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoPasswordFileTest {
    private static final PasswordHasher FAST = new PasswordHasher(1_000);

    /** A {@code $6$} hash built the way mosquitto_passwd -H sha512 builds it. */
    static String sha512Hash(String password) throws Exception {
        byte[] salt = "twelve-bytes".getBytes(StandardCharsets.US_ASCII);
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        sha.update(password.getBytes(StandardCharsets.UTF_8));
        sha.update(salt);
        return "$6$" + Base64.getEncoder().encodeToString(salt) + "$" + Base64.getEncoder().encodeToString(sha.digest());
    }

    static Credentials credentials(String username, String password) {
        return new Credentials("c1", username, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                null, List.of(), "test");
    }

    @Test
    void readsUsersSkippingCommentsAndBlankLines(@TempDir Path dir) throws Exception {
        String alice = sha512Hash("alice-pw");
        String bob = FAST.hash("bob-pw".toCharArray());
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# users\n\nalice:" + alice + "\r\n  # indented comment\n bob : " + bob + "  \n");
        Map<String, String> users = MosquittoPasswordFile.read(file);
        assertThat(users).containsExactly(Map.entry("alice", alice), Map.entry("bob", bob));
    }

    @Test
    void anAuthenticatorAllowsDeniesOrPasses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "test:" + sha512Hash("123456") + "\n");
        PasswordFileAuthenticator auth = PasswordFileAuthenticator.load(file);
        assertThat(auth.usernames()).containsExactly("test");
        assertThat(result(auth, "test", "123456")).isEqualTo(AuthResult.Outcome.ALLOW);
        assertThat(result(auth, "test", "654321")).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(result(auth, "test", null)).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(result(auth, "nobody", "123456")).isEqualTo(AuthResult.Outcome.NEXT);
        assertThat(result(auth, null, null)).isEqualTo(AuthResult.Outcome.NEXT);
        AuthResult wrong = auth.authenticate(credentials("test", "654321")).toCompletableFuture().join();
        assertThat(wrong.reason()).hasValueSatisfying(r -> assertThat(r).doesNotContain("654321").doesNotContain("123456"));
    }

    private static AuthResult.Outcome result(PasswordFileAuthenticator auth, String user, String password) {
        return auth.authenticate(credentials(user, password)).toCompletableFuture().join().outcome();
    }

    @Test
    void aLineWithoutAColonStopsLoadingWithItsNumber() {
        assertThatThrownBy(() -> MosquittoPasswordFile.parse("# ok\nalice " + sha512Hash("x") + "\n", "pw.txt"))
                .isInstanceOfSatisfying(MosquittoFileException.class, e -> {
                    assertThat(e.file()).isEqualTo("pw.txt");
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("pw.txt line 2: ").contains("':'");
                });
    }

    @Test
    void aPlainTextPasswordIsRefusedWithoutBeingEchoed() {
        assertThatThrownBy(() -> MosquittoPasswordFile.parse("alice:hunter2\n", "pw.txt"))
                .isInstanceOf(MosquittoFileException.class)
                .hasMessageContaining("line 1").hasMessageContaining("alice").hasMessageNotContaining("hunter2");
    }

    @Test
    void otherMalformedLinesAreErrors() throws Exception {
        String h = sha512Hash("x");
        assertThatThrownBy(() -> MosquittoPasswordFile.parse(":" + h, "f")).hasMessageContaining("user name");
        assertThatThrownBy(() -> MosquittoPasswordFile.parse("a:", "f")).hasMessageContaining("no password hash");
        assertThatThrownBy(() -> MosquittoPasswordFile.parse("a:" + h + ":x", "f")).hasMessageContaining("more than one ':'");
        assertThatThrownBy(() -> MosquittoPasswordFile.parse("a:" + h + "\nb:" + h + "\na:" + h, "f"))
                .isInstanceOfSatisfying(MosquittoFileException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageContaining("twice");
    }

    @Test
    void anEmptyFileHasNoUsers() throws Exception {
        assertThat(MosquittoPasswordFile.parse("", "f")).isEmpty();
        assertThat(MosquittoPasswordFile.parse("# nothing\n\n", "f")).isEmpty();
    }
}
