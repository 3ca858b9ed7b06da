package dev.magpie.security.http;

import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Recent answers of the endpoint, so a reconnecting fleet does not hammer it. Keyed on an HMAC-SHA256 of
 * everything the request carried (client id, user name, password, listener, remote address, certificate),
 * under a key drawn at random for this process: the password is never stored, and a heap dump does not
 * yield a hash one could guess passwords against. Bounded: the least recently used entry goes first.
 * Only allow and deny are cached; "ignore" and failures ask again next time.
 */
final class DecisionCache {
    private record Entry(AuthResult result, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final SecretKeySpec key;
    private final Map<String, Entry> entries;

    DecisionCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > DecisionCache.this.maxEntries;
            }
        };
    }

    boolean enabled() {
        return ttlNanos > 0 && maxEntries > 0;
    }

    /** The key under which {@code credentials}' decision is cached. */
    String keyOf(Credentials credentials) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            field(mac, credentials.clientId());
            field(mac, credentials.username());
            field(mac, credentials.password());
            field(mac, credentials.listener());
            field(mac, credentials.remoteAddress() == null ? null : credentials.remoteAddress().getAddress().getHostAddress());
            field(mac, credentials.clientCertificate().map(c -> c.getSubjectX500Principal().getName()).orElse(null));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    // length-prefixed, so ("ab","c") and ("a","bc") differ; -1 for absent
    private static void field(Mac mac, String value) {
        field(mac, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(Mac mac, byte[] value) {
        mac.update(ByteBuffer.allocate(4).putInt(value == null ? -1 : value.length).array());
        if (value != null) {
            mac.update(value);
        }
    }

    synchronized Optional<AuthResult> get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (nanoClock.getAsLong() - e.expiresAtNanos >= 0) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(e.result);
    }

    synchronized void put(String key, AuthResult result) {
        if (enabled() && result.outcome() != AuthResult.Outcome.NEXT) {
            entries.put(key, new Entry(result, nanoClock.getAsLong() + ttlNanos));
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
