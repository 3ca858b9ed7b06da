package dev.magpie.observe.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The one rule for signing a webhook request, and for checking it on the receiving side.
 *
 * <p>Every request carries {@value #TIMESTAMP_HEADER} (the Unix time in seconds when the attempt was sent) and
 * {@value #SIGNATURE_HEADER}: {@code sha256=} followed by the lowercase hex HMAC-SHA256, keyed with the webhook's
 * secret (its UTF-8 bytes), of the ASCII timestamp, a {@code .}, and the raw request body:
 *
 * <pre>{@code
 * X-Magpie-Timestamp: 1796175871
 * X-Magpie-Signature: sha256=hex(HMAC-SHA256(secret, "1796175871" + "." + body))
 * }</pre>
 *
 * The timestamp is inside what is signed, so a receiver that refuses timestamps more than a few minutes away from its
 * clock cannot be replayed an old request; within that window it drops repeats by {@value #ID_HEADER} (the same for
 * every attempt of one event, so it also makes retries idempotent). A receiver in Java:
 *
 * <pre>{@code
 * boolean genuine = WebhookSignature.verify(secret, exchange.getRequestHeaders().getFirst("X-Magpie-Timestamp"),
 *         exchange.getRequestHeaders().getFirst("X-Magpie-Signature"), body, Instant.now().getEpochSecond(), Duration.ofMinutes(5));
 * }</pre>
 */
public final class WebhookSignature {
    public static final String SIGNATURE_HEADER = "X-Magpie-Signature";
    public static final String TIMESTAMP_HEADER = "X-Magpie-Timestamp";
    /** The event's wire name ({@code client.connected}, ...), so a receiver can route without parsing the body. */
    public static final String EVENT_HEADER = "X-Magpie-Event";
    /** The event's unique id, also the body's {@code id}; the same on every retry. */
    public static final String ID_HEADER = "X-Magpie-Event-Id";
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    /** The {@value #SIGNATURE_HEADER} value for {@code body} sent at {@code epochSeconds}. */
    public static String sign(byte[] secret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256"); // a Mac is not thread-safe: one per signature, cheap next to a request
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(Long.toString(epochSeconds).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e); // every Java SE has it
        }
    }

    /**
     * Whether a received request is genuine and fresh: its signature matches (compared in constant time) and its
     * timestamp is within {@code tolerance} of {@code nowSeconds}. Header values may be null (then: false).
     */
    public static boolean verify(byte[] secret, String timestampHeader, String signatureHeader, byte[] body, long nowSeconds,
                                 Duration tolerance) {
        if (timestampHeader == null || signatureHeader == null || !timestampHeader.matches("[0-9]{1,18}")) {
            return false;
        }
        long sent = Long.parseLong(timestampHeader);
        if (Math.abs(nowSeconds - sent) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, sent, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.strip().getBytes(StandardCharsets.US_ASCII));
    }
}
