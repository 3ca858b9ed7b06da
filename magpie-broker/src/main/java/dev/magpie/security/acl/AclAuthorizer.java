package dev.magpie.security.acl;

import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link Authorizer} that answers from a fixed list of {@link AclRule}s:
 * <ul>
 *   <li>PUBLISH needs a write (or readwrite) rule whose filter matches the topic name;</li>
 *   <li>SUBSCRIBE needs a read (or readwrite) rule whose filter covers the requested filter, or a literal
 *       read rule equal to it; a {@code $share/group/} prefix is removed first;</li>
 *   <li>RECEIVE (each delivery) needs a read rule whose filter matches the message's topic;</li>
 *   <li>a deny rule that applies wins over every grant, wherever it stands in the list (for SUBSCRIBE it
 *       applies when it covers the requested filter; a deny that only overlaps the subscription is
 *       enforced message by message at delivery);</li>
 *   <li>when no rule applies, the default decision answers: {@code DENY} unless configured otherwise
 *       ({@code NEXT} hands the question to the next authorizer in the chain).</li>
 * </ul>
 * A rule applies to a client if its subject includes the client's user name. Filters starting with a
 * wildcard never reach {@code $} topics [MQTT-4.7.2-1], so only a rule that itself starts with
 * {@code $} grants {@code $SYS/...}. Messages the broker publishes itself ({@link ClientInfo#SERVER}) are
 * allowed.
 *
 * <p>Immutable and lock-free: rules are compiled (split into levels, grouped by subject) once, and every
 * question is answered from memory on the caller's event loop. To change the rules, build a new instance.
 * {@link #explain} answers the same question and says which rule decided.
 */
public final class AclAuthorizer implements Authorizer {
    private static final List<Compiled> NONE = List.of();
    private static final Explanation SERVER = new Explanation(Decision.ALLOW, null, "the broker itself");

    private final List<AclRule> rules;
    private final Decision defaultDecision;
    private final List<Compiled> everyone = new ArrayList<>();
    private final List<Compiled> anonymous = new ArrayList<>();
    private final Map<String, List<Compiled>> byUser = new HashMap<>();
    private final Explanation byDefault;

    /** An authorizer over {@code rules} (in order) with {@code defaultDecision} when none applies. */
    public AclAuthorizer(List<AclRule> rules, Decision defaultDecision) {
        this.rules = List.copyOf(rules);
        this.defaultDecision = Objects.requireNonNull(defaultDecision, "defaultDecision");
        this.byDefault = new Explanation(defaultDecision, null,
                "default policy (" + defaultDecision.name().toLowerCase(java.util.Locale.ROOT) + "): no rule matched");
        for (int i = 0; i < this.rules.size(); i++) {
            AclRule rule = this.rules.get(i);
            Compiled compiled = new Compiled(rule, i);
            switch (rule.subject().kind()) {
                case EVERYONE -> everyone.add(compiled);
                case ANONYMOUS -> anonymous.add(compiled);
                case USER -> byUser.computeIfAbsent(rule.subject().username(), u -> new ArrayList<>()).add(compiled);
            }
        }
    }

    /** An authorizer over {@code rules} that denies whatever no rule allows. */
    public static AclAuthorizer of(List<AclRule> rules) {
        return new AclAuthorizer(rules, Decision.DENY);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<AclRule> rules() {
        return rules;
    }

    public Decision defaultDecision() {
        return defaultDecision;
    }

    @Override
    public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
        return explain(client, topic, Action.PUBLISH).decision();
    }

    @Override
    public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
        return explain(client, filter, Action.SUBSCRIBE).decision();
    }

    @Override
    public Decision authorizeDelivery(ClientInfo subscriber, Message message) {
        return explain(subscriber, message.topic(), Action.RECEIVE).decision();
    }

    /** The decision for {@code client} doing {@code action} on {@code topic} (a filter for SUBSCRIBE), and why. */
    public Explanation explain(ClientInfo client, String topic, Action action) {
        if (client.isServer()) {
            return SERVER;
        }
        return explain(client.username(), client.clientId(), topic, action);
    }

    /**
     * As {@link #explain(ClientInfo, String, Action)} for a client described by its user name ({@code null}
     * for an anonymous client) and client id, as {@code magpie acl check} asks it.
     */
    public Explanation explain(String username, String clientId, String topic, Action action) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(action, "action");
        String target = action == Action.SUBSCRIBE ? withoutSharePrefix(topic) : topic;
        String[] levels = TopicFilters.split(target);
        List<Compiled> own = username == null ? anonymous : byUser.getOrDefault(username, NONE);
        Compiled deny = null;
        Compiled allow = null;
        for (List<Compiled> group : List.of(everyone, own)) {
            for (Compiled c : group) {
                if (c.rule.access() == Access.DENY) {
                    if ((deny == null || c.index < deny.index) && c.applies(username, clientId, levels, action, true)) {
                        deny = c;
                    }
                } else if (c.rule.access().grants(action) && (allow == null || c.index < allow.index)
                        && c.applies(username, clientId, levels, action, false)) {
                    allow = c;
                }
            }
        }
        if (deny != null) {
            return deny.explanation;
        }
        return allow != null ? allow.explanation : byDefault;
    }

    /** {@code $share/{group}/{filter}} is authorized as {@code {filter}}: the group name grants nothing. */
    private static String withoutSharePrefix(String filter) {
        if (filter.startsWith("$share/")) {
            int slash = filter.indexOf('/', "$share/".length());
            if (slash > 0 && slash < filter.length() - 1) {
                return filter.substring(slash + 1);
            }
        }
        return filter;
    }

    /**
     * Whether a user name or client id may be put into a pattern level. It must be one plain level: not
     * absent or empty, no {@code +}, {@code #} or {@code /} (CVE-2017-7650), and not starting with
     * {@code $} where it would become the first level (that would open the broker's reserved topics).
     */
    static boolean substitutable(String value, boolean firstLevel) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (firstLevel && value.charAt(0) == '$') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+' || c == '#' || c == '/') {
                return false;
            }
        }
        return true;
    }

    /** A rule split into levels once, with its position in the list (earlier rules explain first). */
    private static final class Compiled {
        final AclRule rule;
        final int index;
        final String[] levels;
        final boolean placeholders;
        /** A rule always decides the same way, so its answer is made once rather than per message. */
        final Explanation explanation;

        Compiled(AclRule rule, int index) {
            this.rule = rule;
            this.index = index;
            this.levels = TopicFilters.split(rule.filter());
            this.placeholders = rule.usesUsername() || rule.usesClientId();
            String label = rule.source().isEmpty() ? "rule " + (index + 1) + ": " + rule.describe() : rule.toString();
            this.explanation = new Explanation(rule.access() == Access.DENY ? Decision.DENY : Decision.ALLOW, rule, label);
        }

        boolean applies(String username, String clientId, String[] target, Action action, boolean deny) {
            if (rule.literal() && action != Action.SUBSCRIBE) {
                return false;
            }
            String[] resolved = levels;
            boolean[] anyLevel = null;
            if (placeholders) {
                resolved = levels.clone();
                for (int i = 0; i < resolved.length; i++) {
                    String value;
                    if (resolved[i].equals("%u")) {
                        value = username;
                    } else if (resolved[i].equals("%c")) {
                        value = clientId;
                    } else {
                        continue;
                    }
                    if (substitutable(value, i == 0)) {
                        resolved[i] = value;
                    } else if (deny) {
                        // fail closed: a deny that cannot name the level denies it for every value
                        resolved[i] = TopicFilters.SINGLE;
                        if (anyLevel == null) {
                            anyLevel = new boolean[resolved.length];
                        }
                        anyLevel[i] = true;
                    } else {
                        return false; // never widen a grant
                    }
                }
            }
            if (rule.literal()) {
                return sameText(resolved, anyLevel, target);
            }
            return action == Action.SUBSCRIBE ? TopicFilters.covers(resolved, target) : TopicFilters.matches(resolved, target);
        }

        private static boolean sameText(String[] rule, boolean[] anyLevel, String[] target) {
            if (rule.length != target.length) {
                return false;
            }
            for (int i = 0; i < rule.length; i++) {
                if (!(anyLevel != null && anyLevel[i]) && !rule[i].equals(target[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Collects rules in order; {@link #build()} makes the authorizer. */
    public static final class Builder {
        private final List<AclRule> rules = new ArrayList<>();
        private Decision defaultDecision = Decision.DENY;

        private Builder() {
        }

        public Builder rule(AclRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        public Builder rules(List<AclRule> more) {
            more.forEach(this::rule);
            return this;
        }

        /** What to answer when no rule applies: {@code DENY} (the default), {@code ALLOW}, or {@code NEXT}. */
        public Builder defaultDecision(Decision decision) {
            this.defaultDecision = Objects.requireNonNull(decision, "decision");
            return this;
        }

        public AclAuthorizer build() {
            return new AclAuthorizer(rules, defaultDecision);
        }
    }
}
