package dev.magpie.security.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.magpie.observe.LogSafe;
import dev.magpie.security.acl.GrantedAcl;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Asks a web service whether a client may connect. For each CONNECT it POSTs
 * <pre>{@code {"clientid": "...", "username": "...", "password": "...", "remote_address": "10.0.0.7",
 *  "remote_port": 51234, "listener": "tcp", "certificate_subject": "CN=..."}}</pre>
 * ({@code username}/{@code password}/{@code certificate_subject} only when present; a password that is not
 * UTF-8 is sent as {@code password_base64} instead) and reads the answer:
 * <ul>
 *   <li>2xx with {@code {"result": "allow"}}, optionally {@code "username": "..."} (the name to use for
 *       authorization) and {@code "acl": {"pub": [...], "sub": [...]}} (a {@link GrantedAcl}); an empty 2xx
 *       body also allows;</li>
 *   <li>2xx with {@code {"result": "deny"}}, or any 4xx status: deny;</li>
 *   <li>2xx with {@code {"result": "ignore"}}: next authenticator;</li>
 *   <li>anything else (5xx, a timeout, no connection, a malformed body): the configured {@link OnError}
 *       answer, deny unless configured otherwise, with one log line.</li>
 * </ul>
 * Allow and deny answers are cached for {@code cacheTtl} (see {@link DecisionCache}). The request runs
 * asynchronously on the JDK HTTP client, so no thread waits on the network.
 *
 * <pre>{@code
 * Broker.builder().authenticator(HttpAuthenticator.builder(URI.create("https://auth.internal/mqtt"))
 *         .timeout(Duration.ofSeconds(2)).cacheTtl(Duration.ofMinutes(1)).header("Authorization", "Bearer " + token)
 *         .build())
 * }</pre>
 */
public final class HttpAuthenticator implements Authenticator, AutoCloseable {
    /** What a failed request (not a 2xx or 4xx answer) means. */
    public enum OnError {
        /** Refuse the client: fail closed. The default. */
        DENY,
        /** Let the next authenticator decide, e.g. a local fallback user list. */
        NEXT
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpAuthenticator.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** Nesting allowed in an answer: an ACL claim needs 3 levels; a deeper answer comes from a broken or hostile endpoint. */
    private static final int MAX_DEPTH = 32;

    private final URI uri;
    private final Duration timeout;
    private final OnError onError;
    private final Map<String, String> headers;
    private final DecisionCache cache;
    private final ExecutorService threads;
    private final HttpClient client;
    /**
     * Strict (RFC 8259: nothing after the value, no duplicate keys) and bounded in nesting, since the answer comes
     * over the network; thread-safe once built.
     */
    private final ObjectMapper json = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** The answer to a failed request; one instance, so that it is recognised and never cached. */
    private final AuthResult failure;

    private HttpAuthenticator(Builder b) {
        this.uri = b.uri;
        this.timeout = b.timeout;
        this.onError = b.onError;
        this.failure = onError == OnError.DENY ? AuthResult.deny("authentication endpoint failed") : AuthResult.next();
        this.headers = Map.copyOf(b.headers);
        this.cache = new DecisionCache(b.cacheTtl, b.cacheSize, System::nanoTime);
        this.threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "magpie-http-auth");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(threads).build();
    }

    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        byte[] requestBody;
        try {
            requestBody = json.writeValueAsBytes(body(credentials));
        } catch (JsonProcessingException e) { // strings and numbers only: cannot happen, but never throw at a client
            return CompletableFuture.completedFuture(failed(credentials, "request not written: " + e.getOriginalMessage()));
        }
        String key = cache.enabled() ? cache.keyOf(credentials) : null;
        if (key != null) {
            Optional<AuthResult> known = cache.get(key);
            if (known.isPresent()) {
                return CompletableFuture.completedFuture(known.get());
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(requestBody));
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request.build(), BoundedBody.ofString(MAX_BODY_BYTES));
        // the request timeout ends at the status line: a body that never ends is cut at twice the timeout
        return exchange.orTimeout(2 * timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        exchange.cancel(true);
                    }
                })
                .handle((response, failure) -> {
                    AuthResult result = failure != null
                            ? failed(credentials, failure.getCause() != null ? failure.getCause().toString() : failure.toString())
                            : answer(credentials, response);
                    if (key != null && result != this.failure) {
                        cache.put(key, result);
                    }
                    return result;
                });
    }

    private static Map<String, Object> body(Credentials c) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("clientid", c.clientId());
        if (c.username() != null) {
            fields.put("username", c.username());
        }
        if (c.password() != null) {
            Optional<String> text = utf8(c.password());
            if (text.isPresent()) {
                fields.put("password", text.get());
            } else {
                fields.put("password_base64", Base64.getEncoder().encodeToString(c.password()));
            }
        }
        if (c.remoteAddress() != null) {
            fields.put("remote_address", c.remoteAddress().getAddress().getHostAddress());
            fields.put("remote_port", c.remoteAddress().getPort());
        }
        fields.put("listener", c.listener());
        c.clientCertificate().ifPresent(cert -> fields.put("certificate_subject", cert.getSubjectX500Principal().getName()));
        return fields;
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** An answer that never throws: a bad body is a failure like a 500. */
    private AuthResult answer(Credentials credentials, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 400 && status < 500) {
            return AuthResult.deny("authentication endpoint answered " + status);
        }
        if (status < 200 || status >= 300) {
            return failed(credentials, "status " + status);
        }
        String body = response.body() == null ? "" : response.body().strip();
        if (body.isEmpty()) {
            return AuthResult.allow();
        }
        try {
            if (!(json.readValue(body, Object.class) instanceof Map<?, ?> answer)) {
                return failed(credentials, "the answer is not a JSON object");
            }
            Object result = answer.get("result");
            if ("deny".equals(result)) {
                return AuthResult.deny("authentication endpoint denied");
            }
            if ("ignore".equals(result)) {
                return AuthResult.next();
            }
            if (!"allow".equals(result)) {
                return failed(credentials, "\"result\" is " + result + ", not allow, deny or ignore");
            }
            Object username = answer.get("username");
            AuthResult allowed = username instanceof String name && !name.isEmpty() ? AuthResult.allowAs(name) : AuthResult.allow();
            Object acl = answer.get("acl");
            return acl == null ? allowed : GrantedAcl.fromClaim(acl).grant(allowed);
        } catch (JsonProcessingException e) { // malformed, duplicate keys, trailing text, nested too deep
            return failed(credentials, "malformed JSON: " + oneLine(e.getOriginalMessage()));
        } catch (IllegalArgumentException e) { // a malformed ACL (InvalidRuleException)
            return failed(credentials, e.getMessage());
        }
    }

    /** Jackson's message without the quoted source it may append over several lines. */
    private static String oneLine(String message) {
        String m = String.valueOf(message);
        int newline = m.indexOf('\n');
        return newline < 0 ? m : m.substring(0, newline);
    }

    private AuthResult failed(Credentials credentials, String why) {
        // why may quote the endpoint's answer (Jackson names the token it choked on): escaped, it cannot forge log lines
        LOG.warn("authentication endpoint {} failed ({}): client {} {}", uri, LogSafe.text(why), credentials.clientId(),
                onError == OnError.DENY ? "refused" : "passed to the next authenticator");
        return failure;
    }

    /** Cached decisions now held (for tests and metrics). */
    int cachedDecisions() {
        return cache.size();
    }

    /** Stops the client's threads; requests still running fail. */
    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** Settings of an {@link HttpAuthenticator}; only the URL is required. */
    public static final class Builder {
        private final URI uri;
        private Duration timeout = Duration.ofSeconds(5);
        private Duration cacheTtl = Duration.ofSeconds(30);
        private int cacheSize = 10_000;
        private OnError onError = OnError.DENY;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("the authentication URL must be http:// or https://, was '" + uri + "'");
            }
        }

        /** Connect and answer time allowed per request; 5 s by default. */
        public Builder timeout(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = value;
            return this;
        }

        /** How long an allow or deny is reused; 30 s by default, {@link Duration#ZERO} for no cache. */
        public Builder cacheTtl(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("cache TTL must not be negative");
            }
            this.cacheTtl = value;
            return this;
        }

        /** Most decisions kept; 10,000 by default. */
        public Builder cacheSize(int entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("cache size must not be negative");
            }
            this.cacheSize = entries;
            return this;
        }

        public Builder onError(OnError value) {
            this.onError = Objects.requireNonNull(value, "onError");
            return this;
        }

        /** A header sent with every request, e.g. {@code Authorization} for the endpoint itself. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public HttpAuthenticator build() {
            return new HttpAuthenticator(this);
        }
    }
}
