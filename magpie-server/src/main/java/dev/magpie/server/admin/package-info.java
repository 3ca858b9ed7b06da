/**
 * The admin REST API of {@code magpie serve} ({@code /api/v1}, described in docs/api.md and at
 * {@code /api/v1/openapi.json}): a thin JSON layer over the broker's {@link dev.magpie.admin.BrokerAdmin} facade and
 * the built-in user database ({@link dev.magpie.store.UserStore}: admin users, API keys, ACL rules).
 *
 * <p>{@link dev.magpie.server.admin.AdminApi} is the one {@code HttpRoute} (registered by {@code ServeCommand} for
 * {@code /api/v1/*}); it applies the listener rule (TLS or loopback, else 403 {@code insecure_listener}), routes with
 * a table ({@code ApiRouter}) that the OpenAPI document is generated from, authenticates ({@code ApiAuth}: login
 * tokens in memory, API keys hashed in the database, HTTP Basic; every password check through the broker's login
 * throttle), and maps failures to JSON errors with stable codes. The endpoint classes ({@code BrokerEndpoints},
 * {@code ClientEndpoints}, {@code MessageEndpoints}, {@code SecurityEndpoints}) each own one group of resources and
 * write their answers as ordered maps, so the JSON shapes are visible in one place.
 *
 * <p>Depends on {@code dev.magpie.admin}, {@code dev.magpie.store} and the server's config; used by {@code server.cli}.
 */
package dev.magpie.server.admin;
