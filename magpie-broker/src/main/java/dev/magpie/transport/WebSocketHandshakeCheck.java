package dev.magpie.transport;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether an upgrade request to an MQTT path may become a WebSocket, before anything is switched,
 * so that every refusal is an HTTP answer saying why (RFC 6455 4.2.1, 4.2.2, 4.4) rather than a silent close:
 *
 * <ul>
 *   <li>not a {@code GET}, or no {@code Sec-WebSocket-Key} that is the base64 of 16 bytes: {@code 400};</li>
 *   <li>no {@code Sec-WebSocket-Version}: {@code 400}; another version than 13: {@code 426 Upgrade Required};
 *       both carry {@code Sec-WebSocket-Version: 13}, the only version spoken (the drafts 0, 7 and 8 are not);</li>
 *   <li>an {@code Origin} outside the listener's allow-list (when it has one): {@code 403}; a request without
 *       {@code Origin} comes from a client that is not a browser and is not checked;</li>
 *   <li>subprotocols offered but neither {@code mqtt} nor {@code mqttv3.1}: {@code 400}, as the client would
 *       not speak MQTT; {@code mqtt} is preferred, and none offered means none echoed (some WeChat and embedded
 *       clients offer none).</li>
 * </ul>
 */
final class WebSocketHandshakeCheck {
    /** The WebSocket version of RFC 6455, the only one accepted. */
    static final String VERSION = "13";

    /** The outcome: the subprotocol to echo, or the answer refusing the upgrade and a reason for the log. */
    sealed interface Verdict permits Accepted, Refused {
    }

    /** Upgrade, echoing {@code subprotocol} when present. */
    record Accepted(Optional<String> subprotocol) implements Verdict {
    }

    /** Answer {@code response} and close; {@code reason} goes to the log. */
    record Refused(FullHttpResponse response, String reason) implements Verdict {
    }

    private final List<String> allowedOrigins;

    /** {@code allowedOrigins} normalised as {@code WebSocketSettings} does; empty = any origin. */
    WebSocketHandshakeCheck(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    Verdict check(FullHttpRequest request) {
        if (!request.method().equals(HttpMethod.GET)) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "a WebSocket upgrade must be a GET, was " + request.method());
        }
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (version == null) {
            return withVersion(refuse(HttpResponseStatus.BAD_REQUEST, "no Sec-WebSocket-Version; this server speaks version 13"));
        }
        if (!version.strip().equals(VERSION)) {
            return withVersion(refuse(HttpResponseStatus.UPGRADE_REQUIRED, "WebSocket version '" + shorten(version) + "'"
                    + " is not supported; this server speaks version 13"));
        }
        if (!isValidKey(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "no valid Sec-WebSocket-Key (the base64 of 16 random bytes)");
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !allowedOrigins.isEmpty() && !allowedOrigins.contains(normalize(origin))) {
            return refuse(HttpResponseStatus.FORBIDDEN, "origin '" + shorten(origin) + "' is not allowed (websocket.allowed_origins)");
        }
        return subprotocol(request);
    }

    private static Verdict subprotocol(FullHttpRequest request) {
        List<String> offered = new ArrayList<>();
        for (String value : request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.strip());
                }
            }
        }
        if (offered.isEmpty()) {
            return new Accepted(Optional.empty());
        }
        if (offered.contains("mqtt")) {
            return new Accepted(Optional.of("mqtt"));
        }
        if (offered.contains("mqttv3.1")) {
            return new Accepted(Optional.of("mqttv3.1"));
        }
        String shown = shorten(offered.toString());
        return refuse(HttpResponseStatus.BAD_REQUEST, "unsupported WebSocket subprotocol " + shown + "; offer mqtt");
    }

    private static boolean isValidKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.strip()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    /** Header values go into answers and logs: at most 100 characters, printable ASCII only (no forged log lines). */
    private static String shorten(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 100; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static Refused refuse(HttpResponseStatus status, String reason) {
        return new Refused(HttpAnswers.text(status, reason), reason);
    }

    private static Refused withVersion(Refused refused) {
        refused.response().headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
        return refused;
    }
}
