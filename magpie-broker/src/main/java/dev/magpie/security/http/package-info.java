/**
 * An {@link dev.magpie.spi.Authenticator} that asks a web service: {@link dev.magpie.security.http.HttpAuthenticator}
 * POSTs the client's credentials as JSON to a configured URL with the JDK's {@code java.net.http.HttpClient}
 * (non-blocking, with a timeout) and caches the decisions for a bounded time under a keyed hash of the
 * credentials. {@link dev.magpie.security.http.Json} is the small JSON reader and writer it needs, so the
 * broker library stays free of a JSON dependency. Depends on {@code spi} and {@code security.acl}.
 */
package dev.magpie.security.http;
