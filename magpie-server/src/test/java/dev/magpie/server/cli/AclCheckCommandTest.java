package dev.magpie.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code magpie acl check}: the broker's answer and the rule behind it, from the seed's config. */
class AclCheckCommandTest {

    /** Surefire runs in the module directory; the seed setup lives at the repository root. */
    static final Path SEED_CONFIG = Path.of("..", "examples", "seed", "magpie.yaml");

    @TempDir
    Path dir;

    private static UserCommandTest.Run check(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "acl";
        all[1] = "check";
        System.arraycopy(args, 0, all, 2, args.length);
        return UserCommandTest.run(Map.of(), UserCommandTest.terminal(null, ""), all);
    }

    @Test
    void aUserMayPublishInItsOwnSubtreeByThePatternRuleWithFileAndLine() {
        UserCommandTest.Run run = check("--config", SEED_CONFIG.toString(), "--user", "test", "--client", "c1",
                "--topic", "/users/test/x", "--action", "publish");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("allow by ").contains("acl.conf:").endsWith("pattern readwrite /users/%u/#"
                + System.lineSeparator());
    }

    @Test
    void subscribingToEverythingIsDeniedByTheDefaultPolicy() {
        UserCommandTest.Run run = check("--config", SEED_CONFIG.toString(), "--user", "test", "--client", "c1",
                "--topic", "#", "--action", "subscribe");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("deny by default policy (deny): no rule matched" + System.lineSeparator());
    }

    @Test
    void anotherUsersSubtreeIsDenied() {
        UserCommandTest.Run run = check("--config", SEED_CONFIG.toString(), "--user", "alice", "--client", "c1",
                "--topic", "/users/test/#", "--action", "subscribe");

        assertThat(run.out()).startsWith("deny by default policy");
    }

    @Test
    void anAclFileGivenDirectlyAndADenyRuleAreReported() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\npattern deny a/secret\n");

        UserCommandTest.Run run = check("--acl-file", acl.toString(), "--user", "u", "--topic", "a/secret",
                "--action", "publish");

        assertThat(run.out()).isEqualTo("deny by " + acl + ":2: pattern deny a/secret" + System.lineSeparator());
    }

    @Test
    void aMalformedAclIsAUsageErrorNamingFileAndLine() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "pattern readwrite a/#\nbogus line\n");

        UserCommandTest.Run run = check("--acl-file", acl.toString(), "--topic", "a", "--action", "publish");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("magpie acl check: acl_file " + acl + ":2: unknown keyword 'bogus'");
    }

    @Test
    void withoutAnAclEverythingIsAllowed() {
        UserCommandTest.Run run = check("--topic", "a", "--action", "publish");

        assertThat(run.out()).startsWith("allow by no ACL file configured");
    }

    @Test
    void aWildcardInAPublishTopicOrAnUnknownActionIsAUsageError() {
        assertThat(check("--topic", "a/#", "--action", "publish").exitCode()).isEqualTo(2);
        UserCommandTest.Run bad = check("--topic", "a", "--action", "delete");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("use publish, subscribe or receive");
    }
}
