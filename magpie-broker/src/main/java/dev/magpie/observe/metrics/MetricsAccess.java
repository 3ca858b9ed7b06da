package dev.magpie.observe.metrics;

import dev.magpie.spi.HttpRoute;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Who may read {@code /metrics} on a broker listener (the loopback port serves everyone on this machine): a client on a
 * loopback address that came straight (no forwarding header, which a reverse proxy on the same machine would add), or
 * one presenting the configured bearer token. The metrics tell client counts, topics' load and the broker's health,
 * which is reconnaissance for an attacker, so they are not world-readable by default on a public listener.
 */
final class MetricsAccess {
    /** Headers a reverse proxy adds: a request carrying one came from further away than its loopback socket. */
    private static final List<String> FORWARDING_HEADERS = List.of("x-forwarded-for", "forwarded", "x-real-ip");

    private final byte[] token;

    MetricsAccess(String token) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** Empty if {@code request} may read the metrics, else the answer that refuses it. */
    Optional<HttpRoute.Response> refusal(HttpRoute.Request request) {
        if (token.length > 0) {
            Optional<String> authorization = request.header("authorization");
            if (authorization.isPresent() && authorization.get().regionMatches(true, 0, "Bearer ", 0, 7)
                    && MessageDigest.isEqual(token, authorization.get().substring(7).trim().getBytes(StandardCharsets.US_ASCII))) {
                return Optional.empty();
            }
        }
        if (request.fromLoopback() && FORWARDING_HEADERS.stream().noneMatch(h -> request.header(h).isPresent())) {
            return Optional.empty();
        }
        if (token.length > 0) {
            return Optional.of(HttpRoute.Response.text(401, "metrics need Authorization: Bearer <metrics token>\n")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"magpie metrics\""));
        }
        return Optional.of(HttpRoute.Response.text(403, "metrics are served to clients on this machine only;"
                + " set a metrics token to scrape from elsewhere (docs/security.md#metrics)\n"));
    }
}
