/**
 * The server's configuration: the YAML model as immutable records ({@link dev.magpie.server.config.MagpieConfig},
 * {@link dev.magpie.server.config.ListenerConfig}, {@link dev.magpie.server.config.LimitsConfig}), strict loading
 * with errors that name the file, line and key ({@link dev.magpie.server.config.ConfigLoader}), {@code MAGPIE_…}
 * environment overrides ({@link dev.magpie.server.config.EnvironmentOverrides}) and the mapping onto the public
 * broker API ({@link dev.magpie.server.config.BrokerMapping}).
 *
 * <p>Only the CLI ({@code dev.magpie.server.cli}) calls this package. It depends on {@code dev.magpie}'s public
 * face alone, never on broker internals, so the config stays a thin, testable translation of YAML into
 * {@code Listener} and {@code BrokerSettings}. Nothing here holds static mutable state: the environment is
 * passed in as a map so tests never touch the real one.
 */
package dev.magpie.server.config;
