package dev.magpie.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.magpie.admin.BrokerAdmin;
import dev.magpie.admin.RetainedInfo;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.spi.HttpRoute.Response;
import dev.magpie.spi.Message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/** Retained messages, topics and publishing: {@code /api/v1/retained}, {@code /topics}, {@code /publish}. */
final class MessageEndpoints {
    /** Bytes of a payload a listing shows. */
    static final int PREVIEW_BYTES = 256;
    /** Largest payload {@code POST /publish} accepts (the HTTP listener bounds the body too). */
    static final int MAX_PUBLISH_BYTES = 256 * 1024;

    private final BrokerAdmin admin;

    MessageEndpoints(BrokerAdmin admin) {
        this.admin = admin;
    }

    void addTo(ApiRouter router) {
        router.add("GET", "/api/v1/retained", "retained", "List retained messages matching ?filter= (MQTT filter, default #; paging)", 200,
                        this::list)
                .add("GET", "/api/v1/retained/{topic+}", "retained", "Read one retained message with its whole payload", 200, this::read)
                .add("DELETE", "/api/v1/retained/{topic+}", "retained", "Delete a retained message (nothing is sent to subscribers)", 204,
                        this::delete)
                .add("GET", "/api/v1/topics", "topics", "Topics known from retained messages and subscriptions (?filter=, default #)", 200,
                        this::topics)
                .add("POST", "/api/v1/publish", "publish", "Publish a message as the broker", 202, this::publish);
    }

    private Response list(ApiCall call) {
        String filter = call.query("filter").orElse("#");
        try {
            return ApiJson.ok(ApiJson.page(admin.retained(filter), call, r -> describe(r, PREVIEW_BYTES)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("filter: " + e.getMessage());
        }
    }

    private Response read(ApiCall call) {
        RetainedInfo r = admin.retainedMessage(call.param("topic"))
                .orElseThrow(() -> ApiException.notFound("no retained message on '" + call.param("topic") + "'"));
        Map<String, Object> out = describe(r, Integer.MAX_VALUE);
        Object preview = out.remove("payloadPreview");
        out.put("payload", preview);
        return ApiJson.ok(out);
    }

    private Response delete(ApiCall call) {
        if (!admin.deleteRetained(call.param("topic"))) {
            throw ApiException.notFound("no retained message on '" + call.param("topic") + "'");
        }
        return ApiJson.noContent();
    }

    private Response topics(ApiCall call) {
        String filter = call.query("filter").orElse("#");
        try {
            return ApiJson.ok(ApiJson.page(admin.topics(filter), call, t -> ApiJson.fields("topic", t.topic(), "retained", t.retained(),
                    "subscriptions", t.subscriptions())));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("filter: " + e.getMessage());
        }
    }

    private Response publish(ApiCall call) {
        JsonNode body = call.body();
        String topic = call.requiredText(body, "topic");
        if (!TopicSyntax.isValidTopicName(topic)) {
            throw ApiException.badRequest("'" + topic + "' is not a valid topic name (no wildcards, not empty)");
        }
        JsonNode payloadNode = body.path("payload");
        if (!payloadNode.isMissingNode() && !payloadNode.isNull() && !payloadNode.isTextual()) {
            throw ApiException.badRequest("\"payload\" must be text (UTF-8, or base64 with \"encoding\": \"base64\")");
        }
        String text = payloadNode.isTextual() ? payloadNode.asText() : "";
        String encoding = body.path("encoding").asText("utf8");
        byte[] payload = switch (encoding) {
            case "utf8", "utf-8" -> text.getBytes(StandardCharsets.UTF_8);
            case "base64" -> {
                try {
                    yield Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("\"payload\" is not valid base64");
                }
            }
            default -> throw ApiException.badRequest("\"encoding\" must be utf8 or base64, not '" + encoding + "'");
        };
        if (payload.length > MAX_PUBLISH_BYTES) {
            throw ApiException.badRequest("the payload is " + payload.length + " bytes; at most " + MAX_PUBLISH_BYTES + " may be published here");
        }
        if (body.has("properties")) {
            // refused rather than dropped: a caller must not believe a Message Expiry or User Property went out
            throw ApiException.badRequest("\"properties\" are not supported yet: publish without them");
        }
        int qos = call.intField(body, "qos", 0, 0, 2);
        boolean retain = call.boolField(body, "retain", false);
        admin.publish(new Message(topic, payload, qos, retain));
        return ApiJson.json(202, ApiJson.fields("topic", topic, "bytes", payload.length, "qos", qos, "retain", retain));
    }

    /** A message's fields with its payload (or the first {@code limit} bytes) as UTF-8 text, or base64 if it is not text. */
    static Map<String, Object> describe(RetainedInfo r, int limit) {
        byte[] payload = r.payload();
        byte[] shown = payload.length > limit ? Arrays.copyOf(payload, limit) : payload;
        String text = utf8(shown, payload.length > limit);
        Map<String, Object> out = ApiJson.fields("topic", r.topic(), "qos", r.qos(), "bytes", payload.length);
        out.put("payloadPreview", text != null ? text : Base64.getEncoder().encodeToString(shown));
        out.put("payloadEncoding", text != null ? "utf8" : "base64");
        out.put("storedAt", ApiJson.time(r.storedAt()));
        return out;
    }

    /** {@code bytes} as text if they are UTF-8 (a cut at the end may split a character: then up to the cut), else null. */
    private static String utf8(byte[] bytes, boolean cut) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            if (cut && bytes.length > 3) {
                for (int drop = 1; drop <= 3; drop++) {
                    String shorter = utf8(Arrays.copyOf(bytes, bytes.length - drop), false);
                    if (shorter != null) {
                        return shorter;
                    }
                }
            }
            return null;
        }
    }
}
