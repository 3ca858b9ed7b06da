package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.admin.BrokerAdmin;
import dev.magpie.admin.ListenerInfo;
import dev.magpie.observe.LogSafe;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.spi.HttpRoute;
import dev.magpie.store.UserStore;
import dev.magpie.store.UserStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The admin REST API under {@code /api/v1}: one {@link HttpRoute} registered for {@code /api/v1/*} that checks the
 * listener rule ({@link ListenerRule}), finds the route ({@link ApiRouter}), authenticates ({@link ApiAuth}) and turns
 * every failure into {@code {"error": {"code", "message"}}} with a stable code.
 *
 * <pre>{@code
 * AdminApi api = new AdminApi(users, "1.0", Duration.ofHours(1), name -> true, () -> configTree, Optional::empty);
 * Broker broker = builder.httpRoute(AdminApi.PATH, api).build();
 * api.attach(broker.admin());
 * broker.start();
 * }</pre>
 *
 * <p>The route must be registered before the broker is built, and the broker's {@link BrokerAdmin} exists only after:
 * until {@link #attach} the API answers 503 {@code unavailable}. Calls run on the broker's HTTP threads.
 */
public final class AdminApi implements HttpRoute {
    /** The route pattern to register. */
    public static final String PATH = "/api/v1/*";
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    private final UserStore users;
    private final String version;
    private final Duration tokenTtl;
    private final Predicate<String> servesOnListener;
    private final Supplier<JsonNode> maskedConfig;
    private final Supplier<Optional<AclAuthorizer>> fileAcl;
    private volatile Attached attached;

    private record Attached(BrokerAdmin admin, ApiAuth auth, ApiRouter router, byte[] openApi) {
    }

    /**
     * @param users            the built-in user database (admins, API keys, ACL rules)
     * @param version          the broker version shown by {@code GET /broker}
     * @param tokenTtl         how long login tokens live
     * @param servesOnListener which listener names serve the API (by name; ws/wss only ever see HTTP)
     * @param maskedConfig     the effective configuration, secrets masked
     * @param fileAcl          the ACL file's rules in force, if there is one
     */
    public AdminApi(UserStore users, String version, Duration tokenTtl, Predicate<String> servesOnListener, Supplier<JsonNode> maskedConfig,
                    Supplier<Optional<AclAuthorizer>> fileAcl) {
        this.users = users;
        this.version = version;
        this.tokenTtl = tokenTtl;
        this.servesOnListener = servesOnListener;
        this.maskedConfig = maskedConfig;
        this.fileAcl = fileAcl;
    }

    /** Connects the API to the built broker; from now on it answers. */
    public void attach(BrokerAdmin admin) {
        ApiAuth auth = new ApiAuth(users, admin, tokenTtl, Clock.systemUTC());
        ApiRouter router = new ApiRouter();
        router.addOpen("POST", "/api/v1/login", "auth", "Log in as an admin user; answers a token", 200, call -> login(call, auth))
                .add("POST", "/api/v1/logout", "auth", "Forget the token of this call", 204, call -> {
                    auth.logout(call.request());
                    return ApiJson.noContent();
                });
        new BrokerEndpoints(admin, version, maskedConfig).addTo(router);
        new ClientEndpoints(admin).addTo(router);
        new MessageEndpoints(admin).addTo(router);
        new SecurityEndpoints(admin, users, fileAcl).addTo(router);
        Attached[] holder = new Attached[1];
        router.addOpen("GET", "/api/v1/openapi.json", "meta", "This OpenAPI 3.1 document", 200,
                call -> new Response(200, "application/json", holder[0].openApi()));
        byte[] doc;
        try {
            doc = ApiJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(OpenApiDocument.of(router.routes(), version));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the OpenAPI document", e);
        }
        holder[0] = new Attached(admin, auth, router, doc);
        this.attached = holder[0];
    }

    /** The operations served (method and path template), for tests and the OpenAPI document. */
    List<ApiRouter.Route> routes() {
        Attached a = attached;
        return a == null ? List.of() : a.router().routes();
    }

    @Override
    public Response handle(Request request) {
        Attached a = attached;
        if (a == null) {
            return ApiJson.error(503, "unavailable", "the broker is starting");
        }
        if (!servesOnListener.test(request.listener())) {
            return ApiJson.error(404, "not_found", "the admin API is not served on this listener (admin.listeners)");
        }
        if (!ListenerRule.allows(request.secure(), bindOf(a.admin(), request.listener()))) {
            return ApiJson.error(403, "insecure_listener", "the admin API answers only over TLS (wss) or on a listener bound to loopback;"
                    + " listener '" + request.listener() + "' is neither");
        }
        if (crossOrigin(request)) {
            // a page of another site driving the browser (cached Basic credentials): no CORS, ever
            return ApiJson.error(403, "forbidden", "cross-origin requests are refused: call the API from the dashboard, curl or a script");
        }
        Optional<ApiRouter.Match> match = a.router().match(request.method(), request.rawPath());
        if (match.isEmpty()) {
            return a.router().knowsPath(request.rawPath())
                    ? ApiJson.error(405, "method_not_allowed", request.method() + " is not served on " + request.path())
                    : ApiJson.error(404, "not_found", "no API call " + request.method() + " " + request.path() + " (see /api/v1/openapi.json)");
        }
        ApiRouter.Route route = match.get().route();
        try {
            String caller = route.open() ? "" : a.auth().caller(request);
            Response answer = route.handler().apply(new ApiCall(request, match.get().params(), caller));
            if (!route.open() && !request.method().equals("GET")) {
                // one audit line per change an administrator makes
                LOG.info("admin API: {} {} {} from {}: {}", caller, request.method(), LogSafe.text(request.path()), request.remote(), answer.status());
            }
            return answer;
        } catch (ApiAuth.ThrottledException e) {
            return ApiJson.error(e.status(), e.code(), e.getMessage()).withHeader("Retry-After", Long.toString(e.seconds()));
        } catch (ApiException e) {
            Response r = ApiJson.error(e.status(), e.code(), e.getMessage());
            return e.status() == 401 ? r.withHeader("WWW-Authenticate", "Bearer realm=\"magpie\"") : r;
        } catch (UserStoreException e) {
            return switch (e.kind()) {
                case INVALID_NAME, INVALID_PASSWORD -> ApiJson.error(400, "bad_request", e.getMessage());
                case ALREADY_EXISTS -> ApiJson.error(409, "conflict", e.getMessage());
                case NOT_FOUND -> ApiJson.error(404, "not_found", e.getMessage());
                default -> {
                    LOG.warn("admin API {} {}: {}", request.method(), request.path(), e.getMessage());
                    yield ApiJson.error(503, "unavailable", e.getMessage());
                }
            };
        } catch (IllegalArgumentException e) {
            return ApiJson.error(400, "bad_request", String.valueOf(e.getMessage()));
        } catch (IllegalStateException e) {
            LOG.warn("admin API {} {}: {}", request.method(), request.path(), e.getMessage());
            return ApiJson.error(503, "unavailable", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("admin API {} {} failed", request.method(), request.path(), e);
            return ApiJson.error(500, "internal", "the call failed inside the broker; its log says why");
        }
    }

    /** Whether a browser sent this from a page of another origin (the Origin header names another host and port). */
    static boolean crossOrigin(Request request) {
        Optional<String> origin = request.header("origin");
        if (origin.isEmpty()) {
            return false; // not a browser's cross-origin request (curl, scripts, same-origin GET)
        }
        String host = request.header("host").orElse("");
        try {
            String authority = java.net.URI.create(origin.get().trim()).getRawAuthority();
            return authority == null || !authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private Response login(ApiCall call, ApiAuth auth) {
        JsonNode body = call.body();
        String username = call.requiredText(body, "username");
        byte[] password = call.requiredText(body, "password").getBytes(StandardCharsets.UTF_8);
        try {
            ApiAuth.Token token = auth.login(username, password, call.request().remote());
            LOG.info("admin API: {} logged in from {}", LogSafe.text(username), call.request().remote());
            return ApiJson.ok(ApiJson.fields("token", token.token(), "expiresAt", ApiJson.time(token.expiresAt()), "username", username));
        } finally {
            java.util.Arrays.fill(password, (byte) 0);
        }
    }

    private static String bindOf(BrokerAdmin admin, String listener) {
        for (ListenerInfo l : admin.listeners()) {
            if (l.name().equals(listener)) {
                return l.bind();
            }
        }
        return null;
    }
}
