package dev.magpie.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** The small in-memory answers of the HTTP side: refusals, errors and the bodies of routes. */
final class HttpAnswers {
    /** Seconds a client refused for being over the response caps is told to wait. */
    static final int RETRY_AFTER_SECONDS = 2;

    private HttpAnswers() {
    }

    static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /** 503 with {@code Retry-After}: too many answers under way on the listener or to this address. */
    static FullHttpResponse busy(String why) {
        FullHttpResponse response = text(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy (" + why + "), try again");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        return response;
    }
}
