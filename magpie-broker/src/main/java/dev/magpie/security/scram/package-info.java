/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) for MQTT 5 enhanced authentication: {@link
 * dev.magpie.security.scram.ScramAuthenticator} (an {@code EnhancedAuthenticator} for the method
 * {@code SCRAM-SHA-256}), the stored form of a user's credential ({@link dev.magpie.security.scram.ScramCredential}),
 * SASLprep, and strict parsing of the client's messages. Users come from a {@link
 * dev.magpie.security.scram.ScramUsers}; the built-in user database provides one ({@code
 * dev.magpie.store.UserStoreScramAuthenticator}).
 *
 * <p>Depends on {@code spi} only. Channel binding (SCRAM-SHA-256-PLUS) is not offered.
 */
package dev.magpie.security.scram;
