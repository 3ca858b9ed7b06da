package dev.magpie.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * API keys for scripts that call the REST API ({@code Authorization: Bearer mgp_...}), kept in the user database's
 * {@code api_keys} table:
 * <pre>{@code
 * String key = users.apiKeys().add("backup-job");   // shown once; only its hash is kept
 * users.apiKeys().nameOf(key);                       // Optional[backup-job]
 * users.apiKeys().remove("backup-job");
 * }</pre>
 *
 * <p><b>Why SHA-256 and not PBKDF2:</b> a key is 256 random bits, not a password a person chose, so there is no
 * dictionary to slow down; a fast hash lets each API call check its key without the login executor. The table
 * holds only the hashes, so a copy of the file does not give the keys away.
 */
public final class ApiKeys {
    /** What every key starts with, so a leaked key is recognisable (secret scanners, logs). */
    public static final String PREFIX = "mgp_";

    private final UserStore store;

    ApiKeys(UserStore store) {
        this.store = store;
    }

    /** A key as listed: never the key itself. */
    public record ApiKey(String name, Instant createdAt) {
    }

    /**
     * Makes a new key named {@code name} and returns it; this is the only time it can be seen.
     *
     * @throws UserStoreException {@code INVALID_NAME} (same rules as user names), {@code ALREADY_EXISTS} or {@code STORAGE}
     */
    public String add(String name) {
        UserStore.validateName(name);
        byte[] random = new byte[32];
        store.random().nextBytes(random);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        int added = store.update("add API key '" + name + "'", "INSERT OR IGNORE INTO api_keys (name, key_hash, created_at) VALUES (?, ?, ?)",
                name, hash(key), UserStore.timestamp());
        if (added == 0) {
            throw new UserStoreException(UserStoreException.Kind.ALREADY_EXISTS, "API key '" + name + "' already exists"
                    + " (remove it first: magpie apikey remove " + name + ")");
        }
        return key;
    }

    /** Every key, sorted by name. */
    public List<ApiKey> list() {
        return store.query("list API keys", "SELECT name, created_at FROM api_keys ORDER BY name",
                rs -> new ApiKey(rs.getString(1), Instant.parse(rs.getString(2))));
    }

    /**
     * Removes the key named {@code name}.
     *
     * @throws UserStoreException {@code NOT_FOUND} or {@code STORAGE}
     */
    public void remove(String name) {
        if (store.update("remove API key '" + name + "'", "DELETE FROM api_keys WHERE name = ?", String.valueOf(name)) == 0) {
            throw new UserStoreException(UserStoreException.Kind.NOT_FOUND, "there is no API key '" + name + "' in " + store.location());
        }
    }

    /** The name of the key {@code key}, if it is one of ours. */
    public Optional<String> nameOf(String key) {
        Objects.requireNonNull(key, "key");
        if (!key.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return store.query("look up an API key", "SELECT name FROM api_keys WHERE key_hash = ?", rs -> rs.getString(1), hash(key))
                .stream().findFirst();
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
