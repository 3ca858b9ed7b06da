/**
 * Who may connect and what they may do: the authentication chain (ordered {@link dev.magpie.spi.Authenticator}s
 * run off the event loops with a timeout that fails closed, behind the failed-login throttle and the fair, bounded
 * executor of {@code throttle}; throttled, shed or timed-out logins are "server unavailable", never "bad password"), the enhanced authenticators by method
 * ({@link dev.magpie.security.EnhancedAuthentication}, each AUTH exchange step under the same rules) and the authorization chain (ordered
 * {@link dev.magpie.spi.Authorizer}s with a default policy). Called by {@code protocol} and {@code routing}.
 *
 * <p>The subpackages hold ready-made links for those chains, usable by the server and by embedding
 * applications alike: {@code password} (hashing), {@code scram} (SCRAM-SHA-256, an {@code EnhancedAuthenticator}),
 * {@code acl} (the rule engine, an {@code Authorizer}, and {@code GrantedAcl}, per-client rules granted at
 * login), {@code mosquitto} (readers for mosquitto's password and ACL files), and the authentication providers
 * {@code jdbc} (a user table over a pool), {@code http} (a web service, cached) and {@code jwt} (signed tokens).
 * They depend only on {@code spi} and on {@code password}/{@code acl}; nothing in this package depends on
 * them, except the chain on {@code throttle} and on {@code password}'s {@code PasswordAuthenticator} (an unknown
 * name is checked against a dummy hash so timing does not reveal which names exist). {@code ban} holds the ban list and flapping detection, checked by the transport and the CONNECT gate;
 * {@link dev.magpie.security.AddressRange} (IP and CIDR matching) serves it and the transport's trusted proxies.
 * {@link dev.magpie.security.SettledFiles} is the one rule for reading files that are reloaded while the broker
 * runs (TLS key material here, ACL and password files in the server): only once they have stopped changing.
 */
package dev.magpie.security;
