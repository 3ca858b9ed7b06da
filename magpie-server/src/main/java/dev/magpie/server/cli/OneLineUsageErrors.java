package dev.magpie.server.cli;

/**
 * Marks a command group whose usage errors are reported as one line on stderr with a pointer to
 * {@code --help} (see {@link CertsCommand#oneLineUsageErrors}), because its commands are often scripted.
 */
interface OneLineUsageErrors {
}
