/**
 * The {@code magpie} command line, built with picocli: {@link dev.magpie.server.cli.MagpieCommand} is the entry
 * point of the fat jar and {@code bin/magpie}; each subcommand is one class ({@link dev.magpie.server.cli.ServeCommand},
 * {@link dev.magpie.server.cli.UserCommand} with add, passwd, remove and list, {@link dev.magpie.server.cli.AclCommand} with check,
 * {@link dev.magpie.server.cli.CertsCommand} with its {@code ca}, {@code server} and {@code client} commands,
 * {@link dev.magpie.server.cli.DoctorCommand}, and the MQTT clients {@link dev.magpie.server.cli.PubCommand} and
 * {@link dev.magpie.server.cli.SubCommand}, which share {@link dev.magpie.server.cli.ClientOptions} and
 * {@link dev.magpie.server.cli.ClientExit}).
 * This package owns argument parsing, help text, exit statuses and what is printed to the terminal.
 *
 * <p>It turns flags into decisions and hands the work to {@code dev.magpie.server.config} (what to run), the
 * public {@code dev.magpie} API (running it), {@code dev.magpie.server.certs} (making certificates) and
 * {@code dev.magpie.server.doctor} (checking a deployment) and {@code dev.magpie.server.client} (speaking MQTT as a
 * client). Decisions
 * are factored into values such as {@link dev.magpie.server.cli.ServePlan} so they can be tested without
 * starting a broker. Nothing else calls this package.
 */
package dev.magpie.server.cli;
