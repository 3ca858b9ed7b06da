package dev.magpie.observe.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The signing rule, against a vector computed outside Java (Python's hmac and openssl, as docs/operations.md shows). */
class WebhookSignatureTest {
    private static final byte[] SECRET = "a-shared-secret-of-32-characters".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"event\":\"client.connected\"}".getBytes(StandardCharsets.UTF_8);
    private static final long SENT = 1796175871L;

    @Test
    void signsTimestampDotBodyWithHmacSha256InLowercaseHex() {
        // printf '%s' '1796175871.{"event":"client.connected"}' | openssl dgst -sha256 -hmac 'a-shared-secret-of-32-characters'
        assertThat(WebhookSignature.sign(SECRET, SENT, BODY))
                .isEqualTo("sha256=77a7da073fb24c7933a6c3dc0b9a93692cd5ee49b5abbf5aa598252261db9af5");
    }

    @Test
    void verifiesOnlyGenuineFreshRequests() {
        String sig = WebhookSignature.sign(SECRET, SENT, BODY);
        Duration window = Duration.ofMinutes(5);
        assertThat(WebhookSignature.verify(SECRET, "1796175871", sig, BODY, SENT + 299, window)).isTrue();
        // a replay outside the window, even with its genuine signature
        assertThat(WebhookSignature.verify(SECRET, "1796175871", sig, BODY, SENT + 301, window)).isFalse();
        // a fresh timestamp pasted onto an old signature: the timestamp is signed too
        assertThat(WebhookSignature.verify(SECRET, "1796175900", sig, BODY, SENT + 30, window)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "1796175871", sig.toUpperCase(), BODY, SENT, window)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, sig, BODY, SENT, window)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "-5", sig, BODY, SENT, window)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "1796175871", null, BODY, SENT, window)).isFalse();
    }
}
