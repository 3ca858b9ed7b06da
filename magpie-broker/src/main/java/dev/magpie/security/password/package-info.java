/**
 * Password hashing: {@link dev.magpie.security.password.PasswordHasher} makes and checks self-describing
 * password hashes (Magpie's PBKDF2-HMAC-SHA512 and mosquitto's {@code $6$} and {@code $7$} formats). Pure
 * JDK, no state beyond its settings, safe to share between threads. Used by the user stores and
 * authenticators ({@code security.mosquitto}, the server's user tools); anyone may call it.
 */
package dev.magpie.security.password;
