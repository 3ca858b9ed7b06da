package dev.magpie.protocol;

import dev.magpie.ClientIdPolicy;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rule of who may use a client identifier, as pure functions ({@code ClientIdOwnershipTest} checks them
 * without a socket): a session belongs to the user that created it, and a client of another user, or an
 * anonymous client for a named user's session and the reverse, may not resume, replace or take it over (MQTT
 * 5.0 section 5.4.2). Anonymous clients cannot be told apart, so one anonymous client may take over another's
 * id, as MQTT's takeover expects. The {@link ClientIdPolicy#pattern() pattern} binds ids to user names.
 */
final class ClientIdOwnership {
    private final ClientIdPolicy policy;
    private final boolean patternUsesUser;

    ClientIdOwnership(ClientIdPolicy policy) {
        this.policy = policy;
        this.patternUsesUser = policy.pattern().contains("%u");
    }

    /** Whether a client of {@code user} ({@code null}: anonymous) may use a session owned by {@code owner}. */
    static boolean mayUse(String owner, String user) {
        return Objects.equals(owner, user);
    }

    ClientIdPolicy.Ownership onForeignSession() {
        return policy.ownership();
    }

    /** Whether {@code clientId} fits the pattern for {@code user} ({@code null}: anonymous); true without a pattern. */
    boolean fitsPattern(String clientId, String user) {
        String pattern = policy.pattern();
        if (pattern.isEmpty()) {
            return true;
        }
        if (patternUsesUser && (user == null || user.isEmpty())) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            if (pattern.startsWith("%u", i)) {
                regex.append(Pattern.quote(user));
                i += 2;
            } else if (pattern.charAt(i) == '*') {
                regex.append(".*");
                i++;
            } else {
                int next = nextSpecial(pattern, i);
                regex.append(Pattern.quote(pattern.substring(i, next)));
                i = next;
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(clientId).matches();
    }

    /**
     * A new client id for {@code user}: {@code magpie-<random>} without a pattern, else the pattern with the user
     * name for {@code %u} and the random part for its first {@code *} (later ones empty), so it fits.
     */
    String assign(String user) {
        String random = UUID.randomUUID().toString().replace("-", "");
        String pattern = policy.pattern();
        if (pattern.isEmpty() || (patternUsesUser && (user == null || user.isEmpty()))) {
            return "magpie-" + random;
        }
        StringBuilder id = new StringBuilder();
        boolean randomPlaced = false;
        int i = 0;
        while (i < pattern.length()) {
            if (pattern.startsWith("%u", i)) {
                id.append(user);
                i += 2;
            } else if (pattern.charAt(i) == '*') {
                if (!randomPlaced) {
                    id.append("magpie").append(random);
                    randomPlaced = true;
                }
                i++;
            } else {
                id.append(pattern.charAt(i));
                i++;
            }
        }
        return id.toString();
    }

    private static int nextSpecial(String pattern, int from) {
        int i = from;
        while (i < pattern.length() && pattern.charAt(i) != '*' && !pattern.startsWith("%u", i)) {
            i++;
        }
        return i;
    }
}
