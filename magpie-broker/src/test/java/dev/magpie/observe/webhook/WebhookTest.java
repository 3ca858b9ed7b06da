package dev.magpie.observe.webhook;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings a webhook refuses, each with a message that says what to write instead. */
class WebhookTest {
    private static final String SECRET = "0123456789abcdef";

    @Test
    void refusesUrlsThatCannotWorkOrWouldLeakCredentials() {
        assertThatThrownBy(() -> Webhook.builder(URI.create("ftp://example.com/x"), SECRET)).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> Webhook.builder(URI.create("http:///path"), SECRET)).hasMessageContaining("names no host");
        assertThatThrownBy(() -> Webhook.builder(URI.create("https://user:pw@example.com/x"), SECRET)).hasMessageContaining("user name or password");
        assertThatThrownBy(() -> Webhook.builder(URI.create("https://example.com/x#f"), SECRET)).hasMessageContaining("fragment");
    }

    @Test
    void refusesAShortSecretSoTheSignatureCannotBeGuessedOffline() {
        assertThatThrownBy(() -> Webhook.builder(URI.create("https://example.com/x"), "0123456789abcde"))
                .hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> Webhook.builder(URI.create("https://example.com/x"), null)).hasMessageContaining("at least 16 bytes");
    }

    @Test
    void needsAnEventAndValidFiltersAndBoundedSettings() {
        Webhook.Builder b = Webhook.builder(URI.create("https://example.com/x?token=t"), SECRET);
        assertThatThrownBy(b::build).hasMessageContaining("events must name at least one of client.connected");
        assertThatThrownBy(() -> b.topics("a/#/b")).hasMessageContaining("not a valid topic filter");
        assertThatThrownBy(() -> b.timeout(Duration.ZERO)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> b.maxQueued(0)).hasMessageContaining("maxQueued");
        assertThatThrownBy(() -> b.retries(21)).hasMessageContaining("retries");
        Webhook hook = b.events(WebhookEvent.CLIENT_CONNECTED).build();
        assertThat(hook.name()).isEqualTo("https://example.com:443/x");
        assertThat(hook.toString()).doesNotContain(SECRET);
    }
}
