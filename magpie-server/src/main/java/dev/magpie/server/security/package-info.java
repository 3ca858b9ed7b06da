/**
 * The standalone server's security at run time: turns the {@code security:} config section into the
 * authenticators and authorizers a {@code Broker} is built with ({@link dev.magpie.server.security.ServerSecurity}),
 * and keeps them current while it runs ({@link dev.magpie.server.security.SecurityReloader} polls the ACL and
 * password files, reads a change only once it has settled and is not empty, and swaps new rules into {@link dev.magpie.server.security.SwappableAuthorizer} /
 * {@link dev.magpie.server.security.SwappableAuthenticator} in one atomic step).
 *
 * <p>Called by the CLI ({@code serve}, {@code acl check}). It builds on the broker's public building blocks
 * ({@code dev.magpie.security.*}, {@code dev.magpie.store}) and reads {@code dev.magpie.server.config} values;
 * it is kept out of the config package because it opens files and the user database and runs a thread, while the
 * config package only translates YAML (and checks, just before serving, that what it names exists).
 */
package dev.magpie.server.security;
