package dev.magpie.server.config;

import java.util.Locale;

/**
 * Turns the broker API's validation messages, which speak Java ({@code maxPacketSize must be 16..}), into the
 * words of the YAML file ({@code max_packet_size must be 16..}), so a user is told the key they actually wrote.
 */
final class ConfigKeys {

    private ConfigKeys() {
    }

    /** {@code maxPacketSize} → {@code max_packet_size}. */
    static String snakeCase(String camelCase) {
        StringBuilder out = new StringBuilder(camelCase.length() + 4);
        for (char c : camelCase.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Rewrites an {@link IllegalArgumentException} from a {@code dev.magpie} constructor so that its leading
     * Java component name becomes the config key; messages that do not start with a name are kept as they are.
     */
    static IllegalArgumentException inYamlTerms(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        int space = message.indexOf(' ');
        if (space > 0 && message.substring(0, space).chars().allMatch(Character::isLetterOrDigit)) {
            message = snakeCase(message.substring(0, space)) + message.substring(space);
        }
        return new IllegalArgumentException(message, e);
    }
}
