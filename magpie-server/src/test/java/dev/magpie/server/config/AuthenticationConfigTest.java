package dev.magpie.server.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code security.authentication}: the ordered provider list, its defaults, its errors and its overrides. */
class AuthenticationConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "test.yaml");
    }

    @Test
    void providersAreKeptInTheOrderWrittenWithTheirDefaults() {
        MagpieConfig config = parse("""
                security:
                  authentication:
                    - type: jwt
                      algorithm: hs256
                      secret: %s
                    - type: jdbc
                      url: jdbc:postgresql://db:5432/iot
                    - type: http
                      url: https://auth.example/mqtt
                    - type: builtin
                    - type: password_file
                      file: /etc/magpie/passwd
                """.formatted(SECRET));
        List<AuthenticationConfig> providers = config.security().providers();
        assertThat(providers).hasSize(5);
        assertThat(providers.get(0)).isInstanceOfSatisfying(AuthenticationConfig.Jwt.class, j -> {
            assertThat(j.algorithm()).isEqualTo("HS256");
            assertThat(j.usernameClaim()).isEqualTo("sub");
            assertThat(j.aclClaim()).isEqualTo("acl");
            assertThat(j.tokenIn()).isEqualTo("password");
            assertThat(j.leeway()).isEqualTo(Duration.ofSeconds(30));
            assertThat(j.toString()).doesNotContain(SECRET);
        });
        assertThat(providers.get(1)).isEqualTo(new AuthenticationConfig.Jdbc("jdbc:postgresql://db:5432/iot", "", "",
                "SELECT password_hash FROM mqtt_users WHERE username = ?", "auto", 4, Duration.ofSeconds(3)));
        assertThat(providers.get(2)).isEqualTo(new AuthenticationConfig.Http("https://auth.example/mqtt", Duration.ofSeconds(5),
                Duration.ofSeconds(30), 10_000, "deny", Map.of()));
        assertThat(providers.get(3)).isInstanceOf(AuthenticationConfig.Builtin.class);
        assertThat(providers.get(4)).isEqualTo(new AuthenticationConfig.PasswordFile("/etc/magpie/passwd"));
    }

    @Test
    void theShortFormStillMeansBuiltinUsersThenThePasswordFile() {
        assertThat(parse("security:\n  password_file: /etc/passwd.mqtt\n").security().providers())
                .containsExactly(new AuthenticationConfig.Builtin(), new AuthenticationConfig.PasswordFile("/etc/passwd.mqtt"));
        assertThat(parse("security:\n  users: none\n").security().providers()).isEmpty();
        assertThat(MagpieConfig.defaults().security().providers()).containsExactly(new AuthenticationConfig.Builtin());
    }

    @Test
    void mistakesAreReportedWithTheLine() {
        assertThatThrownBy(() -> parse("security:\n  authentication:\n    - type: ldap\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("test.yaml").hasMessageContaining("ldap");
        assertThatThrownBy(() -> parse("security:\n  authentication:\n    - type: jwt\n      algorithm: RS256\n      secret: " + SECRET + "\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("security.authentication[0]").hasMessageContaining("public_key_file or jwks_file");
        assertThatThrownBy(() -> parse("security:\n  authentication:\n    - type: jwt\n      algorithm: none\n      secret: x\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HS256, RS256 or ES256");
        assertThatThrownBy(() -> parse("security:\n  authentication:\n    - type: jdbc\n      url: postgres://db\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> parse("security:\n  authentication:\n    - type: jdbc\n      url: jdbc:sqlite:x.db\n      hash: md5\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bcrypt");
        assertThatThrownBy(() -> parse("security:\n  authentication:\n    - type: http\n      url: https://a\n      on_error: allow\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("on_error");
        assertThatThrownBy(() -> parse("security:\n  authentication:\n    - type: http\n      url: https://a\n      cache: 5s\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cache");
        assertThatThrownBy(() -> parse("security:\n  password_file: p\n  authentication:\n    - type: builtin\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("{type: password_file");
    }

    @Test
    void environmentOverridesReachListEntries() {
        MagpieConfig base = parse("security:\n  authentication:\n    - type: builtin\n    - type: http\n      url: https://a/auth\n");
        MagpieConfig overridden = new ConfigLoader(Map.of("MAGPIE_SECURITY_AUTHENTICATION_1_URL", "https://b/auth",
                "MAGPIE_SECURITY_AUTHENTICATION_1_CACHE_TTL", "0s")).applyEnvironment(base);
        assertThat(overridden.security().providers().get(0)).isInstanceOf(AuthenticationConfig.Builtin.class);
        assertThat(overridden.security().providers().get(1)).isInstanceOfSatisfying(AuthenticationConfig.Http.class, h -> {
            assertThat(h.url()).isEqualTo("https://b/auth");
            assertThat(h.cacheTtl()).isZero();
        });
    }
}
