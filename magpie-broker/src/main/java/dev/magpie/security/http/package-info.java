/**
 * An {@link dev.magpie.spi.Authenticator} that asks a web service: {@link dev.magpie.security.http.HttpAuthenticator}
 * POSTs the client's credentials as JSON to a configured URL with the JDK's {@code java.net.http.HttpClient}
 * (non-blocking, with a timeout) and caches the decisions for a bounded time under a keyed hash of the
 * credentials. JSON is read and written with Jackson databind, read strictly (nothing after the value, no
 * duplicate keys, nesting bounded) and no longer than {@code BoundedBody} lets it be, since the answer comes over the
 * network. Depends on {@code spi} and
 * {@code security.acl}, and on {@code observe.LogSafe} for the log line of a failed request (it may quote the answer).
 */
package dev.magpie.security.http;
