package dev.magpie.server.security;

import dev.magpie.security.http.HttpAuthenticator;
import dev.magpie.security.jdbc.JdbcAuthenticator;
import dev.magpie.security.jwt.JwtAuthenticator;
import dev.magpie.security.jwt.JwtKeys;
import dev.magpie.server.config.AuthenticationConfig;
import dev.magpie.server.config.ConfigException;
import dev.magpie.spi.Authenticator;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreAuthenticator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The authenticators of {@code security.authentication} (or its short form), built in the listed order, and
 * the resources behind them: the user database, password files (watched for changes), JDBC pools and HTTP
 * clients. Everything that was opened is closed again if a later entry fails, and by {@link #close()}.
 */
final class ConfiguredProviders implements AutoCloseable {
    /** A password file to watch: its authenticator and the bytes it was loaded from. */
    record WatchedPasswords(String key, Path file, byte[] loaded, SwappableAuthenticator target) {
    }

    private final List<Authenticator> chain = new ArrayList<>();
    private final List<AuthenticationConfig> configs = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<WatchedPasswords> passwordFiles = new ArrayList<>();
    private UserStore users;
    private boolean grantsAcl;

    /**
     * Builds every entry of {@code providers}; on failure closes what it opened and rethrows. Files (password
     * files, JWT keys) are read first, so that a bad file stops start-up before a database or pool is opened.
     */
    static ConfiguredProviders open(List<AuthenticationConfig> providers, Path dataDir) {
        ConfiguredProviders built = new ConfiguredProviders();
        built.configs.addAll(providers);
        try {
            Authenticator[] fromFiles = new Authenticator[providers.size()];
            for (int i = 0; i < providers.size(); i++) {
                fromFiles[i] = built.fromFiles(providers.get(i), "security.authentication[" + i + "]");
            }
            for (int i = 0; i < providers.size(); i++) {
                if (fromFiles[i] != null) {
                    built.chain.add(fromFiles[i]);
                } else {
                    built.add(providers.get(i), dataDir);
                }
            }
            return built;
        } catch (RuntimeException e) {
            built.close();
            throw e;
        }
    }

    /** The authenticator of a file-based entry (password file, JWT), or null for the others. */
    private Authenticator fromFiles(AuthenticationConfig provider, String key) {
        if (provider instanceof AuthenticationConfig.PasswordFile p) {
            Path file = Path.of(p.file());
            byte[] bytes = SecurityFiles.read("password_file", file);
            SwappableAuthenticator target = new SwappableAuthenticator(SecurityFiles.parsePasswords(file, bytes));
            passwordFiles.add(new WatchedPasswords(passwordFiles.isEmpty() ? "password_file" : key, file, bytes, target));
            return target;
        }
        if (provider instanceof AuthenticationConfig.Jwt j) {
            grantsAcl |= !j.aclClaim().isEmpty();
            return jwt(j, key);
        }
        return null;
    }

    private void add(AuthenticationConfig provider, Path dataDir) {
        if (provider instanceof AuthenticationConfig.Builtin) {
            if (users == null) {
                users = UserStore.open(dataDir);
                resources.add(users::close);
            }
            chain.add(new UserStoreAuthenticator(users));
        } else if (provider instanceof AuthenticationConfig.Jdbc j) {
            JdbcAuthenticator.Builder b = JdbcAuthenticator.builder(j.url()).query(j.query()).hashScheme(j.hashScheme())
                    .poolSize(j.poolSize()).timeout(j.timeout());
            if (!j.user().isEmpty()) {
                b.credentials(j.user(), j.password());
            }
            JdbcAuthenticator jdbc = b.build();
            resources.add(jdbc);
            chain.add(jdbc);
        } else if (provider instanceof AuthenticationConfig.Http h) {
            HttpAuthenticator.Builder b = HttpAuthenticator.builder(URI.create(h.url())).timeout(h.timeout())
                    .cacheTtl(h.cacheTtl()).cacheSize(h.cacheSize()).onError(h.onErrorOutcome());
            h.headers().forEach(b::header);
            HttpAuthenticator http = b.build();
            resources.add(http);
            chain.add(http);
            grantsAcl = true;
        } else {
            throw new IllegalStateException("unknown authentication provider " + provider);
        }
    }

    private static JwtAuthenticator jwt(AuthenticationConfig.Jwt j, String key) {
        JwtKeys keys;
        try {
            if (!j.secret().isEmpty()) {
                keys = JwtKeys.hmacSecret(j.secret().getBytes(StandardCharsets.UTF_8));
            } else if (!j.publicKeyFile().isEmpty()) {
                keys = JwtKeys.pemFile(j.jwtAlgorithm(), Path.of(j.publicKeyFile()));
            } else {
                keys = JwtKeys.jwksFile(j.jwtAlgorithm(), Path.of(j.jwksFile()));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage(), e);
        }
        JwtAuthenticator.Builder b = JwtAuthenticator.builder(keys).usernameClaim(j.usernameClaim()).aclClaim(j.aclClaim())
                .leeway(j.leeway()).requireExpiry(j.requireExpiry()).matchUsername(j.matchUsername())
                .tokenIn(j.tokenIn().equals("username") ? JwtAuthenticator.TokenField.USERNAME : JwtAuthenticator.TokenField.PASSWORD);
        if (!j.issuer().isEmpty()) {
            b.issuer(j.issuer());
        }
        if (!j.audience().isEmpty()) {
            b.audience(j.audience());
        }
        return b.build();
    }

    List<Authenticator> chain() {
        return List.copyOf(chain);
    }

    List<WatchedPasswords> passwordFiles() {
        return List.copyOf(passwordFiles);
    }

    Optional<UserStore> users() {
        return Optional.ofNullable(users);
    }

    /** Whether a provider may hand clients an ACL of their own (JWT claims, HTTP answers). */
    boolean grantsAcl() {
        return grantsAcl;
    }

    /** The providers in order, for the start-up log. */
    String describe() {
        if (configs.isEmpty()) {
            return "no authentication providers";
        }
        List<String> names = new ArrayList<>();
        for (AuthenticationConfig c : configs) {
            if (c instanceof AuthenticationConfig.Builtin) {
                names.add("built-in users " + (users != null ? users.location() : ""));
            } else if (c instanceof AuthenticationConfig.PasswordFile p) {
                names.add("password file " + p.file());
            } else if (c instanceof AuthenticationConfig.Jdbc j) {
                names.add("database " + JdbcAuthenticator.redact(j.url()));
            } else if (c instanceof AuthenticationConfig.Http h) {
                names.add("endpoint " + h.url());
            } else if (c instanceof AuthenticationConfig.Jwt j) {
                names.add(j.algorithm() + " tokens");
            }
        }
        return String.join(", then ", names);
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // closing at shutdown: nothing more useful to do than carry on with the others
            }
        }
        resources.clear();
    }
}
