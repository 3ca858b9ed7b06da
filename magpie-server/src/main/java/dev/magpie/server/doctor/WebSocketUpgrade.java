package dev.magpie.server.doctor;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * The WebSocket opening handshake (RFC 6455 section 4) as {@code wx.connectSocket} and MQTT.js send it: a GET of
 * the path with {@code Sec-WebSocket-Protocol: mqtt}. Two results: whether the server upgraded (and if not, what
 * its answer means: a wrong path, a proxy that does not pass the upgrade, a redirect), and whether it echoed the
 * subprotocol, without which WeChat, browsers and MQTT.js drop the connection.
 */
final class WebSocketUpgrade {

    static final String SUBPROTOCOL = "mqtt";
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebSocketUpgrade() {
    }

    /** True when the connection now speaks WebSocket. */
    static boolean run(Target target, Connection connection, Duration timeout, String userAgent, Results results) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + target.path() + " HTTP/1.1\r\n"
                + "Host: " + target.hostHeader() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + SUBPROTOCOL + "\r\n"
                + "User-Agent: " + userAgent + "\r\n\r\n";
        String get = "GET " + target.path();
        HttpResponseHead head;
        connection.startStep(timeout);
        try {
            connection.out().write(request.getBytes(StandardCharsets.ISO_8859_1));
            connection.out().flush();
            head = HttpResponseHead.read(connection.in());
        } catch (HttpResponseHead.NotHttpException e) {
            results.add(CheckResult.fail(Check.WEBSOCKET, get + ": the answer is not HTTP (\"" + e.getMessage()
                    + "\")", "this port speaks another protocol: is it an MQTT port (mqtts://, mqtt://)?"));
            return false;
        } catch (SocketTimeoutException e) {
            results.add(CheckResult.fail(Check.WEBSOCKET, get + ": no answer within " + Durations.text(timeout),
                    "check that the port serves HTTP(S) and that a proxy in front reaches the broker"));
            return false;
        } catch (IOException e) {
            if (connection.clientCertificateRequested()) {
                results.add(CheckResult.fail(Check.WEBSOCKET, get + ": the server asked for a client certificate and"
                        + " dropped the connection without one (" + e.getMessage() + ")", TlsCheck.MUTUAL_TLS_FIX));
            } else if (e instanceof EOFException) {
                results.add(CheckResult.fail(Check.WEBSOCKET, get + ": the server closed the connection without"
                        + " answering", "see the server's log; an MQTT-over-TLS port (mqtts) closes like this on an"
                        + " HTTP request"));
            } else {
                results.add(CheckResult.fail(Check.WEBSOCKET, get + ": " + e.getMessage(),
                        "see the server's log for why it dropped the request"));
            }
            return false;
        }
        if (head.status() != 101) {
            String body = head.shortBody(connection.in(), 2048);
            results.add(CheckResult.fail(Check.WEBSOCKET, get + " -> " + head.statusLine()
                    + (body.isEmpty() ? "" : " (\"" + body + "\")"), refusalFix(head, target)));
            return false;
        }
        String expected = acceptFor(key);
        String accept = head.header("sec-websocket-accept").orElse("");
        if (!expected.equals(accept)) {
            results.add(CheckResult.fail(Check.WEBSOCKET, get + " -> 101, but Sec-WebSocket-Accept is '" + accept
                    + "' instead of '" + expected + "'", "something between client and broker rewrites the handshake;"
                    + " let the proxy pass it through unchanged"));
            return false;
        }
        results.add(CheckResult.pass(Check.WEBSOCKET, get + " -> " + head.statusLine()));
        results.add(subprotocol(head));
        return true;
    }

    private static CheckResult subprotocol(HttpResponseHead head) {
        String echoed = head.header("sec-websocket-protocol").orElse("");
        if (echoed.equals(SUBPROTOCOL)) {
            return CheckResult.pass(Check.SUBPROTOCOL, "offered mqtt, the server chose mqtt");
        }
        String fix = "WeChat, browsers and MQTT.js drop a connection whose offered subprotocol is not echoed; a proxy"
                + " must pass Sec-WebSocket-Protocol both ways (Magpie's wss listener echoes mqtt itself)";
        if (echoed.isEmpty()) {
            return CheckResult.fail(Check.SUBPROTOCOL, "offered mqtt, but the 101 answer has no Sec-WebSocket-Protocol",
                    fix);
        }
        return CheckResult.fail(Check.SUBPROTOCOL, "offered mqtt, but the server chose '" + echoed + "'", fix);
    }

    private static String refusalFix(HttpResponseHead head, Target target) {
        int status = head.status();
        if (status == 404) {
            return "use the path the listener upgrades (Magpie: listeners[].websocket.paths, default /mqtt), or route "
                    + target.path() + " to it in the proxy (nginx: location " + target.path() + ")";
        }
        if (status >= 300 && status < 400) {
            return "WebSocket clients do not follow redirects: connect to the final URL ("
                    + head.header("location").orElse("see Location") + ")";
        }
        if (status == 200 || status == 400 && head.header("server").map(s -> s.contains("nginx")).orElse(false)) {
            return "the Upgrade request did not reach a WebSocket server: in nginx add proxy_http_version 1.1;"
                    + " proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";";
        }
        if (status == 401 || status == 403) {
            return "the server or proxy refuses the request: check its access rules (allowed origins, IP filters)";
        }
        if (status == 426) {
            return "the server wants another WebSocket version (" + head.header("sec-websocket-version").orElse("?")
                    + "); mini programs speak version 13";
        }
        if (status == 502 || status == 503 || status == 504) {
            return "the proxy cannot reach the broker: check that its ws listener runs at the proxy_pass address";
        }
        return "the server refused the upgrade; its answer and log say why";
    }

    /** RFC 6455 section 4.2.2: base64 of the SHA-1 of the key and the fixed GUID. */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1", e);
        }
    }
}
