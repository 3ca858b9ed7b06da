package dev.magpie.server.config;

import dev.magpie.observe.webhook.Webhook;
import dev.magpie.observe.webhook.WebhookEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code webhooks:} list: defaults, the mapping onto the broker's {@link Webhook}, and errors at their line. */
class WebhookConfigTest {
    private static final String SECRET = "0123456789abcdef0123";

    private static MagpieConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml, "test.yaml");
    }

    private static String hook(String body) {
        return "log_level: info\nwebhooks:\n  - url: https://hooks.example.com/mqtt\n" + body;
    }

    @Test
    void noWebhooksByDefault() {
        assertThat(MagpieConfig.defaults().webhooks()).isEmpty();
        assertThat(parse("log_level: info\n").webhooks()).isEmpty();
    }

    @Test
    void anEntryIsReadWithItsDefaultsAndMappedOntoTheBroker() {
        MagpieConfig config = parse(hook("    events: [client.connected, message.published]\n    topics: [\"sensors/#\"]\n"
                + "    secret: " + SECRET + "\n    timeout: 2s\n    retries: 5\n"));
        WebhookConfig entry = config.webhooks().get(0);
        assertThat(entry).isEqualTo(new WebhookConfig("https://hooks.example.com/mqtt", List.of("client.connected", "message.published"),
                List.of("sensors/#"), SECRET, Duration.ofSeconds(2), 10_000, 16L * 1024 * 1024, 5, Duration.ofSeconds(1), 4));
        Webhook webhook = entry.toWebhook();
        assertThat(webhook.events()).containsExactlyInAnyOrder(WebhookEvent.CLIENT_CONNECTED, WebhookEvent.MESSAGE_PUBLISHED);
        assertThat(webhook.retries()).isEqualTo(5);
        assertThat(entry.toString()).doesNotContain(SECRET);
        BrokerMapping.builderFor(config).build(); // the builder takes it
    }

    @Test
    void aBadUrlIsReportedAtItsLine() {
        assertThatThrownBy(() -> parse("log_level: info\nwebhooks:\n  - url: ftp://hooks.example.com/x\n    events: [client.connected]\n"
                + "    secret: " + SECRET + "\n"))
                .hasMessageContaining("test.yaml at line 3").hasMessageContaining("webhooks[0].url must start with http:// or https://");
        assertThatThrownBy(() -> parse(hook("    events: [client.connected]\n    secret: " + SECRET + "\n").replace("https://hooks", "https://user:pw@hooks")))
                .hasMessageContaining("line 3").hasMessageContaining("must not hold a user name or password");
    }

    @Test
    void anUnknownEventNamesTheChoices() {
        assertThatThrownBy(() -> parse(hook("    secret: " + SECRET + "\n    events: [client.connected, message.publish]\n")))
                .hasMessageContaining("line 5").hasMessageContaining("'message.publish', which is not an event; use client.connected,");
    }

    @Test
    void aMissingOrShortSecretIsRefused() {
        assertThatThrownBy(() -> parse(hook("    events: [client.connected]\n")))
                .hasMessageContaining("test.yaml at line").hasMessageContaining("webhooks[0].secret is missing");
        assertThatThrownBy(() -> parse(hook("    events: [client.connected]\n    secret: short\n")))
                .hasMessageContaining("line 5").hasMessageContaining("webhooks[0].secret must be at least 16 bytes");
    }

    @Test
    void boundsAndFiltersAreCheckedInYamlTerms() {
        assertThatThrownBy(() -> parse(hook("    events: [client.connected]\n    secret: " + SECRET + "\n    max_queued: 0\n")))
                .hasMessageContaining("line 6").hasMessageContaining("max_queued must be 1..1000000");
        assertThatThrownBy(() -> parse(hook("    events: [message.published]\n    secret: " + SECRET + "\n    topics: [\"a/#/b\"]\n")))
                .hasMessageContaining("line 6").hasMessageContaining("webhooks[0].topics holds 'a/#/b', which is not a valid topic filter");
        assertThatThrownBy(() -> parse(hook("    events: [client.connected]\n    secret: " + SECRET + "\n    retry: 3\n")))
                .hasMessageContaining("unknown key 'webhooks[0].retry'");
    }

    @Test
    void theSecretCanComeFromTheEnvironment() {
        MagpieConfig base = parse(hook("    events: [client.connected]\n    secret: " + SECRET + "\n"));
        String other = "from-the-environment-0123";
        MagpieConfig config = new ConfigLoader(Map.of("MAGPIE_WEBHOOKS_0_SECRET", other)).applyEnvironment(base);
        assertThat(config.webhooks().get(0).secret()).isEqualTo(other);
    }
}
