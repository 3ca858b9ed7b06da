/**
 * The server's configuration: the YAML model as immutable records ({@link dev.magpie.server.config.MagpieConfig},
 * {@link dev.magpie.server.config.ListenerConfig}, {@link dev.magpie.server.config.LimitsConfig}, {@link dev.magpie.server.config.WebhookConfig}), strict loading
 * with errors that name the file, line and key ({@link dev.magpie.server.config.ConfigLoader}), {@code MAGPIE_…}
 * environment overrides ({@link dev.magpie.server.config.EnvironmentOverrides}), the mapping onto the public
 * broker API ({@link dev.magpie.server.config.BrokerMapping}) and the checks only the serving host can make
 * ({@code HostChecks}: TLS key matches certificate, static_dir exists, bind address is this host's), run by
 * {@link dev.magpie.server.config.ConfigLoader#checkOnThisHost} just before serving.
 *
 * <p>Only the CLI ({@code dev.magpie.server.cli}) calls this package. It depends on {@code dev.magpie}'s public
 * face alone, never on broker internals, so the config stays a thin, testable translation of YAML into
 * {@code Listener} and {@code BrokerSettings}. Nothing here holds static mutable state: the environment is
 * passed in as a map so tests never touch the real one.
 */
package dev.magpie.server.config;
