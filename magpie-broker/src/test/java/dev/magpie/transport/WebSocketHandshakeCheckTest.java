package dev.magpie.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The upgrade rules of RFC 6455 4.2.1 and 4.4, the origin allow-list and the MQTT subprotocol [MQTT-6.0.0-3]. */
class WebSocketHandshakeCheckTest {
    private final WebSocketHandshakeCheck anyOrigin = new WebSocketHandshakeCheck(List.of());
    private final WebSocketHandshakeCheck oneOrigin = new WebSocketHandshakeCheck(List.of("https://app.example.com"));

    private static FullHttpRequest request(String... headers) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/mqtt", Unpooled.buffer(0), false);
        r.headers().set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").set("Sec-WebSocket-Version", "13");
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] == null) {
                r.headers().remove(headers[i]);
            } else {
                r.headers().set(headers[i], headers[i + 1]);
            }
        }
        return r;
    }

    private static int status(WebSocketHandshakeCheck.Verdict verdict) {
        return verdict instanceof WebSocketHandshakeCheck.Refused refused ? refused.response().status().code() : 101;
    }

    @Test
    void keyAndVersionAreRequired() {
        assertThat(status(anyOrigin.check(request()))).isEqualTo(101);
        assertThat(status(anyOrigin.check(request("Sec-WebSocket-Key", null)))).isEqualTo(400);
        assertThat(status(anyOrigin.check(request("Sec-WebSocket-Key", "not base64!")))).isEqualTo(400);
        assertThat(status(anyOrigin.check(request("Sec-WebSocket-Version", null)))).isEqualTo(400);
        WebSocketHandshakeCheck.Verdict old = anyOrigin.check(request("Sec-WebSocket-Version", "8"));
        assertThat(status(old)).isEqualTo(426);
        assertThat(((WebSocketHandshakeCheck.Refused) old).response().headers().get("Sec-WebSocket-Version")).isEqualTo("13");
    }

    @Test
    void theOriginMustBeListedWhenThereIsAList() {
        assertThat(status(oneOrigin.check(request("Origin", "https://app.example.com/")))).isEqualTo(101);
        assertThat(status(oneOrigin.check(request("Origin", "http://app.example.com")))).as("another scheme is another origin").isEqualTo(403);
        assertThat(status(oneOrigin.check(request("Origin", "https://app.example.com:8443")))).isEqualTo(403);
        assertThat(status(anyOrigin.check(request("Origin", "https://elsewhere.example")))).isEqualTo(101);
    }

    @Test
    void refusalReasonsCarryNoControlCharacters() {
        WebSocketHandshakeCheck.Verdict v = oneOrigin.check(request("Origin", "https://x\u001b[31m.example"));
        assertThat(((WebSocketHandshakeCheck.Refused) v).reason()).doesNotContain("\u001b").contains("https://x?[31m.example");
    }

    @Test
    void mqttIsPreferredAndOtherSubprotocolsAreRefused_MQTT_6_0_0_3() {
        assertThat(anyOrigin.check(request("Sec-WebSocket-Protocol", "mqttv3.1, mqtt")))
                .isEqualTo(new WebSocketHandshakeCheck.Accepted(Optional.of("mqtt")));
        assertThat(anyOrigin.check(request())).isEqualTo(new WebSocketHandshakeCheck.Accepted(Optional.empty()));
        assertThat(status(anyOrigin.check(request("Sec-WebSocket-Protocol", "chat")))).isEqualTo(400);
    }
}
