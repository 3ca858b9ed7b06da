package dev.magpie.server.config;

import dev.magpie.BrokerCapabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code security:} and {@code capabilities:} sections: defaults, strictness, paths, overrides. */
class SecurityConfigTest {

    @TempDir
    Path dir;

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "magpie.yaml");
    }

    @Test
    void defaultsAreBuiltinUsersNoFilesDenyAndFiveSecondReloads() {
        SecurityConfig security = MagpieConfig.defaults().security();

        assertThat(security).isEqualTo(new SecurityConfig(UserSource.BUILTIN, "", "", DefaultPolicy.DENY, Duration.ofSeconds(5)));
        assertThat(security.aclFilePath()).isEmpty();
        assertThat(security.passwordFilePath()).isEmpty();
        assertThat(MagpieConfig.defaults().capabilities().toCapabilities()).isEqualTo(BrokerCapabilities.all());
    }

    @Test
    void everyKeyIsRead() {
        MagpieConfig config = parse("""
                security:
                  users: none
                  password_file: /etc/magpie/passwd
                  acl_file: /etc/magpie/acl.conf
                  default_policy: allow
                  reload_interval: 2s
                capabilities:
                  maximum_qos: 1
                  retain_available: false
                  wildcard_subscriptions: false
                  shared_subscriptions: false
                  subscription_identifiers: false
                  topic_alias_maximum: 0
                  response_information: "replies/"
                """);

        assertThat(config.security()).isEqualTo(new SecurityConfig(UserSource.NONE, "/etc/magpie/passwd",
                "/etc/magpie/acl.conf", DefaultPolicy.ALLOW, Duration.ofSeconds(2)));
        assertThat(config.capabilities().toCapabilities()).isEqualTo(new BrokerCapabilities(1, false, false, false,
                false, 0, "replies/"));
    }

    @Test
    void enhancedAuthIsOffByDefaultAndOffersScramOverBuiltinUsers() {
        assertThat(MagpieConfig.defaults().security().enhancedAuth()).isEmpty();
        SecurityConfig scram = parse("security:\n  enhanced_auth: [SCRAM-SHA-256]\n").security();
        assertThat(scram.enhancedAuth()).containsExactly("SCRAM-SHA-256");
        assertThat(scram.offersScram()).isTrue();

        assertThatThrownBy(() -> parse("security:\n  enhanced_auth: [SCRAM-SHA-1]\n"))
                .hasMessageContaining("enhanced_auth: unknown method 'SCRAM-SHA-1'; the built-in one is SCRAM-SHA-256");
        assertThatThrownBy(() -> parse("security:\n  users: none\n  enhanced_auth: [SCRAM-SHA-256]\n"))
                .hasMessageContaining("needs users: builtin");
        assertThatThrownBy(() -> parse("security:\n  enhanced_auth: [SCRAM-SHA-256, SCRAM-SHA-256]\n"))
                .hasMessageContaining("lists a method twice");
    }

    @Test
    void unknownKeysAndBadValuesAreErrorsInYamlTerms() {
        assertThatThrownBy(() -> parse("security:\n  acl: x\n"))
                .hasMessageContaining("unknown key 'security.acl'").hasMessageContaining("acl_file");
        assertThatThrownBy(() -> parse("security:\n  users: ldap\n"))
                .hasMessageContaining("users 'ldap' is not a user source: use builtin");
        assertThatThrownBy(() -> parse("security:\n  default_policy: next\n"))
                .hasMessageContaining("use deny or allow");
        assertThatThrownBy(() -> parse("security:\n  reload_interval: 10ms\n"))
                .hasMessageContaining("reload_interval must be 0s (off) or at least 100ms");
        assertThatThrownBy(() -> parse("capabilities:\n  maximum_qos: 3\n"))
                .hasMessageContaining("maximum_qos must be 0, 1 or 2, was 3");
        assertThatThrownBy(() -> parse("capabilities:\n  retain_available: \"yes\"\n"))
                .hasMessageContaining("capabilities.retain_available: expected true or false");
    }

    @Test
    void relativeFileNamesStartAtTheConfigFilesDirectoryAbsoluteOnesStay() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Path file = Files.writeString(sub.resolve("magpie.yaml"), """
                security:
                  acl_file: rules/acl.conf
                  password_file: /abs/passwd
                """);

        SecurityConfig security = new ConfigLoader(Map.of()).load(file).security();

        assertThat(security.aclFilePath()).contains(sub.resolve("rules/acl.conf").toAbsolutePath());
        assertThat(security.passwordFilePath()).contains(Path.of("/abs/passwd"));
    }

    @Test
    void environmentOverridesReachTheNewSections() throws Exception {
        Path file = Files.writeString(dir.resolve("magpie.yaml"), "security:\n  acl_file: acl.conf\n");

        MagpieConfig config = new ConfigLoader(Map.of(
                "MAGPIE_SECURITY_DEFAULT_POLICY", "allow",
                "MAGPIE_SECURITY_RELOAD_INTERVAL", "0s",
                "MAGPIE_CAPABILITIES_MAXIMUM_QOS", "1")).load(file);

        assertThat(config.security().defaultPolicy()).isEqualTo(DefaultPolicy.ALLOW);
        assertThat(config.security().reloadInterval()).isZero();
        assertThat(config.security().aclFilePath()).contains(dir.resolve("acl.conf").toAbsolutePath());
        assertThat(config.capabilities().maximumQos()).isEqualTo(1);
    }

    @Test
    void theLoginSectionBecomesLoginLimitsKeyForKeyAndDefaultsToTheBrokers() {
        // issue 10: failed-login throttling and the password-check queue are configurable
        MagpieConfig config = new ConfigLoader(Map.of()).parse("""
                security:
                  login:
                    free_failures: 3
                    backoff: 2s
                    max_backoff: 5m
                    forget_after: 1h
                    max_tracked: 500
                    max_pending_per_address: 2
                    max_pending: 64
                    threads: 3
                """, "magpie.yaml");
        assertThat(config.security().login().toLoginLimits()).isEqualTo(new dev.magpie.LoginLimits(3, java.time.Duration.ofSeconds(2),
                java.time.Duration.ofMinutes(5), java.time.Duration.ofHours(1), 500, 2, 64, 3));
        assertThat(MagpieConfig.defaults().security().login().toLoginLimits()).isEqualTo(dev.magpie.LoginLimits.defaults());
        MagpieConfig overridden = new ConfigLoader(Map.of("MAGPIE_SECURITY_LOGIN_FREE_FAILURES", "9"))
                .applyEnvironment(MagpieConfig.defaults());
        assertThat(overridden.security().login().freeFailures()).isEqualTo(9);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(
                "security:\n  login:\n    max_pending: 0\n", "magpie.yaml")).hasMessageContaining("max_pending must be >= 1");
    }
}
