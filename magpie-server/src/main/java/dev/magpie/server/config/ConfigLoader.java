package dev.magpie.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a YAML config file into a {@link MagpieConfig}, then applies {@code MAGPIE_…} environment overrides.
 *
 * <p>The file is bound straight from its text (not through a tree) so every error carries the line and column
 * Jackson saw; only then are overrides applied, so an override error can be blamed on the variable and a file
 * error on the file. Precedence, lowest first: built-in defaults, the file, the environment, command-line
 * flags (applied by the CLI).
 */
public final class ConfigLoader {

    private final ObjectMapper mapper = YamlMapping.newMapper();
    private final EnvironmentOverrides environment;

    /** @param environment the variables to read overrides from, usually {@code System.getenv()} */
    public ConfigLoader(Map<String, String> environment) {
        this.environment = new EnvironmentOverrides(environment, mapper);
    }

    /**
     * Loads {@code file} and applies the environment, then resolves the relative file names of the
     * {@code security} section and of the listeners' {@code tls} and {@code websocket} sections against the directory of {@code file}.
     *
     * @throws ConfigException naming the file, line and column, or the environment variable
     */
    public MagpieConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist (relative paths start at "
                    + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        MagpieConfig config = applyEnvironment(parse(text, file.toString()));
        Path directory = file.toAbsolutePath().normalize().getParent();
        return config.withSecurity(config.security().resolvedAgainst(directory))
                .withListeners(config.listeners().stream().map(l -> l.resolvedAgainst(directory)).toList())
                .withCluster(config.cluster().resolvedAgainst(directory));
    }

    /**
     * Parses YAML text without looking at the environment; {@code sourceName} names it in error messages.
     * An empty document (or only comments) means all defaults.
     */
    public MagpieConfig parse(String yaml, String sourceName) {
        if (yaml.isBlank()) {
            return MagpieConfig.defaults();
        }
        try {
            MagpieConfig config = mapper.readerFor(MagpieConfig.class).readValue(yaml);
            return config != null ? config : MagpieConfig.defaults();
        } catch (JsonProcessingException e) {
            if (e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage()).startsWith("No content")) {
                return MagpieConfig.defaults(); // only comments
            }
            ConfigErrors.Problem problem = ConfigErrors.describe(e);
            JsonLocation at = KeyLocator.locate(mapper, yaml, problem.keyPath()).orElse(e.getLocation());
            String where = ConfigErrors.where(at);
            throw new ConfigException("config error in " + sourceName + (where.isEmpty() ? "" : " at " + where)
                    + ": " + problem.reason(), e);
        }
    }

    /**
     * Checks what only this machine can tell, just before serving: each listener's bind address is one of this
     * host's, its TLS key belongs to its certificate, its {@code static_dir} exists. Errors point at the key in
     * {@code file} (when given) by line and column.
     *
     * @param file the config file {@code config} came from, or {@code null} for the built-in defaults
     * @throws ConfigException naming the key, its position and what to do
     */
    public void checkOnThisHost(MagpieConfig config, Path file) {
        HostChecks.check(config, mapper, file == null ? "the built-in defaults" : file.toString(),
                file == null ? null : HostChecks.textOf(file));
    }

    /** Applies the {@code MAGPIE_…} overrides to {@code base}; returns it unchanged when there are none. */
    public MagpieConfig applyEnvironment(MagpieConfig base) {
        return environment.applyTo(base);
    }
}
