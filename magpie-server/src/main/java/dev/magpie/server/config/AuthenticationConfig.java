package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.magpie.security.http.HttpAuthenticator;
import dev.magpie.security.jdbc.HashScheme;
import dev.magpie.security.jdbc.JdbcAuthenticator;
import dev.magpie.security.jwt.JwtAlgorithm;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of {@code security.authentication}, the ordered list of providers a CONNECT is checked against
 * (the first that allows or denies decides; one that does not know the client passes it on). Selected by
 * {@code type}. Values are validated here, so a mistake is reported with the file's line and column; empty
 * strings mean "not set", which keeps every entry round-trippable through {@link EnvironmentOverrides}
 * ({@code MAGPIE_SECURITY_AUTHENTICATION_1_URL=...}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AuthenticationConfig.Builtin.class, name = "builtin"),
        @JsonSubTypes.Type(value = AuthenticationConfig.PasswordFile.class, name = "password_file"),
        @JsonSubTypes.Type(value = AuthenticationConfig.Jdbc.class, name = "jdbc"),
        @JsonSubTypes.Type(value = AuthenticationConfig.Http.class, name = "http"),
        @JsonSubTypes.Type(value = AuthenticationConfig.Jwt.class, name = "jwt")})
public sealed interface AuthenticationConfig {

    /** This entry with relative file names resolved against the config file's directory. */
    default AuthenticationConfig resolvedAgainst(java.nio.file.Path directory) {
        return this;
    }

    /** {@code type: builtin}: the user database {@code <data_dir>/magpie.db}, managed with {@code magpie user}. */
    record Builtin() implements AuthenticationConfig {
    }

    /** {@code type: password_file}: a mosquitto password file, reloaded when it changes. */
    record PasswordFile(String file) implements AuthenticationConfig {
        public PasswordFile {
            if (file == null || file.isBlank()) {
                throw new IllegalArgumentException("a password_file provider needs file: <path to a mosquitto_passwd file>");
            }
            file = file.strip();
        }

        @Override
        public AuthenticationConfig resolvedAgainst(java.nio.file.Path directory) {
            return new PasswordFile(SecurityConfig.resolve(directory, file));
        }
    }

    /** {@code type: jdbc}: a user table in PostgreSQL, MySQL/MariaDB or SQLite. */
    record Jdbc(String url, String user, String password, String query, String hash, int poolSize, Duration timeout)
            implements AuthenticationConfig {
        public Jdbc {
            if (url == null || !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("a jdbc provider needs url: jdbc:postgresql://host:5432/db (or jdbc:mariadb:, jdbc:sqlite:), was '"
                        + url + "'");
            }
            user = Objects.requireNonNullElse(user, "");
            password = Objects.requireNonNullElse(password, "");
            query = query == null || query.isBlank() ? JdbcAuthenticator.DEFAULT_QUERY : query.strip();
            if (query.indexOf('?') < 0) {
                throw new IllegalArgumentException("query needs a '?' where the user name goes, e.g. " + JdbcAuthenticator.DEFAULT_QUERY);
            }
            hash = hash == null || hash.isBlank() ? HashScheme.AUTO.configName() : HashScheme.parse(hash).configName();
            if (poolSize < 1 || poolSize > 100) {
                throw new IllegalArgumentException("pool_size must be 1..100, was " + poolSize);
            }
            positive(timeout, "timeout");
        }

        @JsonCreator
        static Jdbc fromYaml(@JsonProperty("url") String url, @JsonProperty("user") String user,
                             @JsonProperty("password") String password, @JsonProperty("query") String query,
                             @JsonProperty("hash") String hash, @JsonProperty("pool_size") Integer poolSize,
                             @JsonProperty("timeout") Duration timeout) {
            return new Jdbc(url, user, password, query, hash, poolSize != null ? poolSize : 4,
                    timeout != null ? timeout : Duration.ofSeconds(3));
        }

        public HashScheme hashScheme() {
            return HashScheme.parse(hash);
        }

        /** The database password is never shown in logs or in {@code toString}. */
        @Override
        public String toString() {
            return "Jdbc[url=" + JdbcAuthenticator.redact(url) + ", user=" + user + ", password=" + (password.isEmpty() ? "none" : "***")
                    + ", query=" + query + ", hash=" + hash + ", poolSize=" + poolSize + ", timeout=" + timeout + "]";
        }
    }

    /** {@code type: http}: POST the credentials to a web service. */
    record Http(String url, Duration timeout, Duration cacheTtl, int cacheSize, String onError, Map<String, String> headers)
            implements AuthenticationConfig {
        public Http {
            URI parsed;
            try {
                parsed = URI.create(Objects.requireNonNullElse(url, ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("url '" + url + "' is not a URL: " + e.getMessage());
            }
            if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
                throw new IllegalArgumentException("an http provider needs url: http(s)://host/path, was '" + url + "'");
            }
            positive(timeout, "timeout");
            if (cacheTtl.isNegative()) {
                throw new IllegalArgumentException("cache_ttl must not be negative (0s turns the cache off)");
            }
            if (cacheSize < 0) {
                throw new IllegalArgumentException("cache_size must not be negative");
            }
            onError = onError == null ? "deny" : onError.strip().toLowerCase(Locale.ROOT);
            if (!onError.equals("deny") && !onError.equals("next")) {
                throw new IllegalArgumentException("on_error '" + onError + "' is not deny or next");
            }
            headers = Map.copyOf(headers == null ? Map.of() : headers);
        }

        @JsonCreator
        static Http fromYaml(@JsonProperty("url") String url, @JsonProperty("timeout") Duration timeout,
                             @JsonProperty("cache_ttl") Duration cacheTtl, @JsonProperty("cache_size") Integer cacheSize,
                             @JsonProperty("on_error") String onError, @JsonProperty("headers") Map<String, String> headers) {
            return new Http(url, timeout != null ? timeout : Duration.ofSeconds(5), cacheTtl != null ? cacheTtl : Duration.ofSeconds(30),
                    cacheSize != null ? cacheSize : 10_000, onError, headers);
        }

        public HttpAuthenticator.OnError onErrorOutcome() {
            return onError.equals("next") ? HttpAuthenticator.OnError.NEXT : HttpAuthenticator.OnError.DENY;
        }

        /** Header values (often credentials of the endpoint) are never shown in logs or in {@code toString}. */
        @Override
        public String toString() {
            return "Http[url=" + url + ", timeout=" + timeout + ", cacheTtl=" + cacheTtl + ", cacheSize=" + cacheSize
                    + ", onError=" + onError + ", headers=" + headers.keySet() + "]";
        }
    }

    /**
     * {@code type: jwt}: a signed token in the password (or user name). Exactly one key source: {@code secret}
     * (HS256), {@code public_key_file} (PEM key or certificate) or {@code jwks_file} (RS256/ES256).
     */
    record Jwt(String algorithm, String secret, String publicKeyFile, String jwksFile, String tokenIn, String usernameClaim,
               String aclClaim, String issuer, String audience, Duration leeway, boolean requireExpiry, boolean matchUsername)
            implements AuthenticationConfig {
        public Jwt {
            algorithm = JwtAlgorithm.parse(Objects.requireNonNullElse(algorithm, "")).name();
            secret = Objects.requireNonNullElse(secret, "");
            publicKeyFile = Objects.requireNonNullElse(publicKeyFile, "").strip();
            jwksFile = Objects.requireNonNullElse(jwksFile, "").strip();
            int sources = (secret.isEmpty() ? 0 : 1) + (publicKeyFile.isEmpty() ? 0 : 1) + (jwksFile.isEmpty() ? 0 : 1);
            if (sources != 1) {
                throw new IllegalArgumentException("a jwt provider needs exactly one of secret (HS256), public_key_file or jwks_file"
                        + " (RS256, ES256); " + sources + " given");
            }
            if (algorithm.equals("HS256") != !secret.isEmpty()) {
                throw new IllegalArgumentException(algorithm.equals("HS256")
                        ? "HS256 verifies with a shared secret: set secret, not a public key"
                        : algorithm + " verifies with a public key: set public_key_file or jwks_file, not secret");
            }
            if (!secret.isEmpty() && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException("secret must be at least 32 bytes for HS256");
            }
            tokenIn = tokenIn == null || tokenIn.isBlank() ? "password" : tokenIn.strip().toLowerCase(Locale.ROOT);
            if (!tokenIn.equals("password") && !tokenIn.equals("username")) {
                throw new IllegalArgumentException("token_in '" + tokenIn + "' is not password or username");
            }
            usernameClaim = usernameClaim == null || usernameClaim.isBlank() ? "sub" : usernameClaim.strip();
            aclClaim = aclClaim == null ? "acl" : aclClaim.strip();
            issuer = Objects.requireNonNullElse(issuer, "");
            audience = Objects.requireNonNullElse(audience, "");
            if (leeway.isNegative() || leeway.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("leeway must be between 0s and 10m");
            }
        }

        @JsonCreator
        static Jwt fromYaml(@JsonProperty("algorithm") String algorithm, @JsonProperty("secret") String secret,
                            @JsonProperty("public_key_file") String publicKeyFile, @JsonProperty("jwks_file") String jwksFile,
                            @JsonProperty("token_in") String tokenIn, @JsonProperty("username_claim") String usernameClaim,
                            @JsonProperty("acl_claim") String aclClaim, @JsonProperty("issuer") String issuer,
                            @JsonProperty("audience") String audience, @JsonProperty("leeway") Duration leeway,
                            @JsonProperty("require_expiry") Boolean requireExpiry, @JsonProperty("match_username") Boolean matchUsername) {
            return new Jwt(algorithm, secret, publicKeyFile, jwksFile, tokenIn, usernameClaim, aclClaim, issuer, audience,
                    leeway != null ? leeway : Duration.ofSeconds(30), requireExpiry == null || requireExpiry,
                    matchUsername == null || matchUsername);
        }

        public JwtAlgorithm jwtAlgorithm() {
            return JwtAlgorithm.valueOf(algorithm);
        }

        @Override
        public AuthenticationConfig resolvedAgainst(java.nio.file.Path directory) {
            return new Jwt(algorithm, secret, SecurityConfig.resolve(directory, publicKeyFile), SecurityConfig.resolve(directory, jwksFile),
                    tokenIn, usernameClaim, aclClaim, issuer, audience, leeway, requireExpiry, matchUsername);
        }

        /** The secret is never shown in logs or in {@code toString}. */
        @Override
        public String toString() {
            return "Jwt[algorithm=" + algorithm + ", secret=" + (secret.isEmpty() ? "none" : "***") + ", publicKeyFile=" + publicKeyFile
                    + ", jwksFile=" + jwksFile + ", tokenIn=" + tokenIn + ", usernameClaim=" + usernameClaim + ", aclClaim=" + aclClaim
                    + ", issuer=" + issuer + ", audience=" + audience + ", leeway=" + leeway + "]";
        }
    }

    private static void positive(Duration value, String key) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, e.g. 3s");
        }
    }
}
