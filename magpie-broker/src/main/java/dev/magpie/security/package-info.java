/**
 * Who may connect and what they may do: the authentication chain (ordered {@link dev.magpie.spi.Authenticator}s
 * run off the event loops with a timeout that fails closed) and the authorization chain (ordered
 * {@link dev.magpie.spi.Authorizer}s with a default policy). Called by {@code protocol} and {@code routing}.
 */
package dev.magpie.security;
