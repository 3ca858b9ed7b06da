package dev.magpie.server.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code magpie.example.yaml} is documentation users copy, so it must stay loadable and tell the truth about
 * the defaults. It lists every key with its built-in default; the only deliberate differences are the ones
 * written down here.
 */
class ExampleConfigTest {

    /** Surefire runs in the module directory; the example lives at the repository root. */
    static final Path EXAMPLE = Path.of("..", "magpie.example.yaml");

    @Test
    void theExampleLoadsAndEqualsTheBuiltInDefaults() {
        MagpieConfig example = new ConfigLoader(Map.of()).load(EXAMPLE);

        // No deliberate differences today: the example spells out the one default listener with its defaults.
        // If one is added (e.g. a second listener), normalise it here and say why.
        assertThat(example).isEqualTo(MagpieConfig.defaults());
    }

    @Test
    void theExampleSpellsOutEveryKey() throws Exception {
        String text = Files.readString(EXAMPLE);

        for (String key : new String[]{"data_dir:", "log_level:", "listeners:", "name:", "type:", "bind:", "port:",
                "allow_anonymous:", "max_connections:", "proxy_protocol:", "limits:", "max_packet_size:", "connect_timeout:",
                "max_keep_alive:", "receive_maximum:", "max_inflight:", "max_queued_messages:",
                "max_session_expiry:", "authentication_timeout:", "security:", "users:", "password_file:", "acl_file:",
                "default_policy:", "reload_interval:", "enhanced_auth:", "capabilities:", "maximum_qos:", "retain_available:",
                "wildcard_subscriptions:", "shared_subscriptions:", "subscription_identifiers:", "topic_alias_maximum:",
                "response_information:", "max_connection_rate:", "max_topic_length:", "max_topic_levels:",
                "max_subscriptions_per_client:", "max_queued_bytes:", "message_rate:", "byte_rate:", "rate_limit_action:",
                "unflushed_output_timeout:", "max_unflushed_bytes:",
                "bans:", "client_ids:", "usernames:", "addresses:", "flapping:", "max_connects:", "window:", "ban_duration:",
                "by_address:", "persistence:", "enabled:", "sync:", "durable_ack:", "authentication:", "query:", "hash:", "pool_size:", "cache_ttl:", "cache_size:",
                "on_error:", "headers:", "algorithm:", "public_key_file:", "jwks_file:", "token_in:", "username_claim:",
                "acl_claim:", "issuer:", "audience:", "leeway:", "require_expiry:", "match_username:",
                "login:", "free_failures:", "backoff:", "max_backoff:", "forget_after:", "max_tracked:", "max_pending_per_address:",
                "max_pending:", "threads:", "webhooks:", "url:", "events:", "topics:", "secret:", "timeout:", "max_queued:",
                "max_queued_bytes:", "retries:", "max_in_flight:", "sys_interval:", "sys_client_events:",
                "metrics:", "path:", "token:", "jvm:", "loopback:", "ca_file:", "cert_file:", "key_file:", "key_password:",
                "lease_ttl:", "command_timeout:", "redis_down:"}) {
            assertThat(text).as("magpie.example.yaml documents %s", key).containsPattern("(?m)^\\s*(#\\s*)?-?\\s*" + key);
        }
    }

    @Test
    void theCommentedTlsAndWssListenersLoadWhenUncommented() throws Exception {
        String uncommented = Files.readString(EXAMPLE).replaceAll("(?m)^  # (- |  )", "  $1");

        MagpieConfig example = new ConfigLoader(Map.of()).parse(uncommented, "uncommented example");

        assertThat(example.listeners()).extracting(ListenerConfig::type)
                .containsExactly(ListenerType.TCP, ListenerType.TLS, ListenerType.WSS);
        assertThat(example.listeners().get(1).tls()).isEqualTo(TlsConfig.pem("certs/server.crt", "certs/server.key"));
        assertThat(example.listeners().get(2).websocket()).isEqualTo(WebSocketConfig.DEFAULTS);
    }

    @Test
    void theCommentedAuthenticationProvidersLoadWhenUncommented() throws Exception {
        // the provider examples sit under "authentication: []", indented four spaces and commented "#  "
        String uncommented = Files.readString(EXAMPLE).replace("  authentication: []\n", "  authentication:\n")
                .replaceAll("(?m)^    #  ", "    ");

        // the jwt example names a key file that does not exist here; parse checks shape, not files
        MagpieConfig example = new ConfigLoader(Map.of()).parse(uncommented, "uncommented example");

        assertThat(example.security().providers()).extracting(p -> p.getClass().getSimpleName())
                .containsExactly("Builtin", "PasswordFile", "Jdbc", "Http", "Jwt");
        assertThat(example.security().providers().get(2)).isEqualTo(new AuthenticationConfig.Jdbc("jdbc:postgresql://127.0.0.1:5432/iot",
                "", "", "SELECT password_hash FROM mqtt_users WHERE username = ?", "auto", 4, java.time.Duration.ofSeconds(3)));
    }

    @Test
    void theCommentedWebhookLoadsWhenUncommented() throws Exception {
        // the example entry is the file's last section, commented "#  " at the start of each line
        String text = Files.readString(EXAMPLE);
        int section = text.indexOf("webhooks: []\n");
        String uncommented = text.substring(0, section) + "webhooks:\n"
                + text.substring(section + "webhooks: []\n".length()).replaceAll("(?m)^#(  )", "$1");

        MagpieConfig example = new ConfigLoader(Map.of()).parse(uncommented, "uncommented example");

        assertThat(example.webhooks()).singleElement().satisfies(hook -> {
            assertThat(hook.url()).isEqualTo("https://hooks.example.com/mqtt");
            assertThat(hook.events()).hasSize(7);
            assertThat(hook.topics()).containsExactly("sensors/#");
            // the example spells out the defaults
            assertThat(hook).isEqualTo(WebhookConfig.fromYaml(hook.url(), hook.events(), hook.topics(), hook.secret(),
                    null, null, null, null, null, null));
        });
    }
}
