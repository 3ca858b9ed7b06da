package dev.magpie.server.admin;

import dev.magpie.admin.BrokerAdmin;
import dev.magpie.observe.LogSafe;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import dev.magpie.spi.HttpRoute;
import dev.magpie.store.ApiKeys;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthenticator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call the API: users of the built-in database marked admin (a login token from {@code POST
 * /api/v1/login}, or HTTP Basic for curl) and API keys ({@code Bearer mgp_...}).
 *
 * <p><b>No side door for password guessing:</b> every password check goes through the broker's failed-login
 * throttle ({@link BrokerAdmin#loginRefusal}), the one MQTT logins use, keyed by the caller's address and the
 * name tried, and through the user database's own check ({@link UserStoreAuthenticator}, with its dummy hash for
 * unknown names, so timing does not tell which names exist). A non-admin's right password is refused like a wrong
 * one but not counted as a failure.
 *
 * <p>Login tokens are 256 random bits kept in memory only (a restart logs everyone out) until they expire;
 * the admin flag is checked again on every call, so taking it away (or removing the user) ends the user's
 * access at once.
 */
final class ApiAuth {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ApiAuth.class);
    /** Tokens held at most; the oldest make room (a flood of logins cannot fill the heap). */
    private static final int MAX_TOKENS = 10_000;

    private final UserStore users;
    private final UserStoreAuthenticator passwords;
    private final BrokerAdmin admin;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /** A login: who, and until when. */
    record Token(String token, String username, Instant expiresAt) {
    }

    ApiAuth(UserStore users, BrokerAdmin admin, Duration ttl, Clock clock) {
        this.users = users;
        this.passwords = new UserStoreAuthenticator(users, users.hasher());
        this.admin = admin;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Checks {@code username}'s password and admin flag and hands out a token.
     *
     * @throws ApiException 401 {@code bad_credentials}, 429 {@code throttled}
     */
    Token login(String username, byte[] password, InetSocketAddress from) {
        checkPassword(username, password, from, "bad_credentials");
        purgeExpired();
        if (tokens.size() >= MAX_TOKENS) {
            tokens.values().stream().min(java.util.Comparator.comparing(Token::expiresAt)).ifPresent(t -> tokens.remove(t.token()));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        Token token = new Token(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), username, clock.instant().plus(ttl));
        tokens.put(token.token(), token);
        return token;
    }

    void logout(HttpRoute.Request request) {
        bearer(request).ifPresent(tokens::remove);
    }

    /**
     * Who sent {@code request}: {@code user:NAME} or {@code apikey:NAME}.
     *
     * @throws ApiException 401 {@code unauthorized}, 429 {@code throttled}
     */
    String caller(HttpRoute.Request request) {
        Optional<String> header = request.header("authorization");
        if (header.isEmpty()) {
            throw ApiException.unauthorized("log in first: POST /api/v1/login, then send Authorization: Bearer <token>"
                    + " (or an API key, or HTTP Basic with an admin user)");
        }
        String value = header.get().trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String credential = value.substring(7).trim();
            if (credential.startsWith(ApiKeys.PREFIX)) {
                return users.apiKeys().nameOf(credential).map(name -> "apikey:" + name)
                        .orElseThrow(() -> ApiException.unauthorized("unknown API key"));
            }
            Token token = tokens.get(credential);
            if (token == null || !token.expiresAt().isAfter(clock.instant())) {
                if (token != null) {
                    tokens.remove(credential);
                }
                throw ApiException.unauthorized("the token is unknown or has expired: log in again");
            }
            if (!users.isAdmin(token.username())) {
                tokens.remove(credential);
                throw ApiException.unauthorized("user '" + token.username() + "' is no longer an administrator");
            }
            return "user:" + token.username();
        }
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(value.substring(6).trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.unauthorized("the Basic credentials are not valid base64");
            }
            int colon = indexOf(decoded, (byte) ':');
            if (colon < 0) {
                throw ApiException.unauthorized("the Basic credentials must be user:password");
            }
            String username = new String(decoded, 0, colon, StandardCharsets.UTF_8);
            byte[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
            Arrays.fill(decoded, (byte) 0);
            try {
                checkPassword(username, password, request.remote(), "unauthorized");
            } finally {
                Arrays.fill(password, (byte) 0);
            }
            return "user:" + username;
        }
        throw ApiException.unauthorized("the Authorization header must be Bearer or Basic");
    }

    private void checkPassword(String username, byte[] password, InetSocketAddress from, String code) {
        InetAddress address = from == null ? null : from.getAddress();
        Optional<Duration> wait = admin.loginRefusal(address, username);
        if (wait.isPresent()) {
            throw throttled(wait.get());
        }
        boolean known = users.hashOf(username).isPresent();
        boolean right;
        if (!known) {
            passwords.checkUnknownUser(password); // as slow as a real check
            right = false;
        } else {
            AuthResult result = passwords.authenticate(new Credentials("$api", username, password, from, List.of(), "api"))
                    .toCompletableFuture().join();
            right = result.outcome() == AuthResult.Outcome.ALLOW;
        }
        if (!right) {
            LOG.info("admin API: failed login as {} from {}", LogSafe.text(username), from);
            Optional<Duration> next = admin.loginFailed(address, username);
            if (next.isPresent() && !next.get().isZero()) {
                throw throttled(next.get());
            }
            throw new ApiException(401, code, "wrong user name or password");
        }
        admin.loginSucceeded(address, username);
        if (!users.isAdmin(username)) {
            throw new ApiException(401, code, "user '" + username + "' is not an administrator (magpie user add NAME --admin,"
                    + " or PUT /api/v1/users/NAME {\"admin\": true})");
        }
    }

    private static ApiException throttled(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new ThrottledException(seconds);
    }

    /** 429 with the seconds to wait, which {@link AdminApi} also puts in {@code Retry-After}. */
    static final class ThrottledException extends ApiException {
        private final long seconds;

        ThrottledException(long seconds) {
            super(429, "throttled", "too many failed logins: try again in " + seconds + " s");
            this.seconds = seconds;
        }

        long seconds() {
            return seconds;
        }
    }

    private static Optional<String> bearer(HttpRoute.Request request) {
        return request.header("authorization").map(String::trim).filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).trim());
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        tokens.values().removeIf(t -> !t.expiresAt().isAfter(now));
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
