/**
 * Password hashing: {@link dev.magpie.security.password.PasswordHasher} makes and checks self-describing
 * password hashes (Magpie's PBKDF2-HMAC-SHA512 and mosquitto's {@code $6$} and {@code $7$} formats). Pure
 * JDK, no state beyond its settings and a count of the hashing work done, safe to share between threads.
 * {@link dev.magpie.security.password.PasswordAuthenticator} marks authenticators that check such hashes, so the
 * chain can have an unknown user name cost the same as a known one. Used by the user stores and
 * authenticators ({@code security.mosquitto}, the server's user tools); anyone may call it.
 */
package dev.magpie.security.password;
