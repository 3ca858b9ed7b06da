package dev.magpie.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The effective configuration as a JSON tree with the YAML file's key names (what {@code GET /api/v1/config}
 * shows), secrets masked as {@value #MASK}: every value under a key that ends in a secret's name (password, secret,
 * token, key, credentials; so {@code key_password} but not {@code key_file}), HTTP headers as a whole (they carry
 * credentials), and the user-info part and {@code password=}/{@code secret=}/{@code token=} parameters of URLs
 * ({@code jdbc:postgresql://u:pw@host/db?password=...}). Masking by key name errs on the side of hiding.
 */
public final class ConfigView {
    /** What a secret is replaced with. */
    public static final String MASK = "***";
    private static final Pattern SECRET_KEY = Pattern.compile(".*(password|secret|token|credential|(^|_)key)(s)?$");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password|secret|token)=[^&;\\s]*");

    private ConfigView() {
    }

    /** {@code config} as a tree, secrets masked. */
    public static JsonNode masked(MagpieConfig config) {
        ObjectMapper mapper = YamlMapping.newMapper();
        JsonNode tree = mapper.valueToTree(config);
        mask(tree);
        return tree;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                if (isSecretKey(field.getKey()) && !value.isNull() && !(value.isTextual() && value.asText().isEmpty())
                        && !value.isBoolean() && !value.isNumber()) {
                    field.setValue(TextNode.valueOf(MASK));
                } else if (value.isTextual()) {
                    field.setValue(TextNode.valueOf(maskText(value.asText())));
                } else {
                    mask(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isTextual()) {
                    array.set(i, TextNode.valueOf(maskText(value.asText())));
                } else {
                    mask(value);
                }
            }
        }
    }

    static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches() || key.equalsIgnoreCase("headers");
    }

    private static String maskText(String text) {
        String out = URL_USER_INFO.matcher(text).replaceAll(MASK + "@");
        return PASSWORD_PARAMETER.matcher(out).replaceAll("$1=" + MASK);
    }
}
