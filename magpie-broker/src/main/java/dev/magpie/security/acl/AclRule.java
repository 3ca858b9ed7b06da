package dev.magpie.security.acl;

import java.util.Objects;

/**
 * One access rule. Build with {@link #topic} or {@link #pattern}, then narrow with {@link #forUser},
 * {@link #forAnonymous}, {@link #asLiteral} and name its origin with {@link #from}:
 *
 * <pre>{@code
 * AclRule.topic(Access.READWRITE, "/public/#")                 // everyone
 * AclRule.pattern(Access.READWRITE, "/users/%u/#")             // each user their own subtree
 * AclRule.topic(Access.READ, "$SYS/#").forUser("admin")        // one user
 * AclRule.topic(Access.DENY, "#").asLiteral()                  // nobody may subscribe to exactly '#'
 * }</pre>
 *
 * <p><b>Topic rules</b> are about topics: for PUBLISH and RECEIVE the filter must match the topic name;
 * for SUBSCRIBE it must cover the requested filter (match every topic the subscription could match).
 *
 * <p><b>Pattern rules</b> substitute the client's user name for {@code %u} and its client id for
 * {@code %c}. A placeholder must fill a whole level ({@code /users/%u/#}, not {@code /users/x%u/#}),
 * so substitution can only ever name one level. Substitution never widens access: a user name or client
 * id that is absent, empty, or contains {@code +}, {@code #} or {@code /} cannot be substituted - an
 * allowing pattern that needs it then matches nothing, and a denying pattern that needs it applies as if
 * the placeholder were {@code +} (CVE-2017-7650).
 *
 * <p><b>Literal rules</b> are about the subscription filter as text: they only answer SUBSCRIBE, and only
 * when the requested filter is exactly the rule's filter ({@code +} and {@code #} compared as characters).
 * {@code topic literal read #} lets a client subscribe to {@code #} itself while every message it then
 * receives is still checked against its read rules; {@code topic literal deny #} refuses that one
 * subscription while narrower ones stay possible. Literal rules grant read or deny, never write.
 *
 * @param subject whom the rule applies to
 * @param access  what it grants, or {@link Access#DENY}
 * @param filter  the topic filter (with {@code %u}/{@code %c} for a pattern)
 * @param pattern whether {@code %u}/{@code %c} are placeholders (in a topic rule they are plain text)
 * @param literal whether this is a literal-filter rule (SUBSCRIBE only, exact text)
 * @param source  where the rule came from, e.g. {@code acl.conf:12}; empty if not given
 */
public record AclRule(RuleSubject subject, Access access, String filter, boolean pattern, boolean literal, String source) {

    public AclRule {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(source, "source");
        String problem = TopicFilters.problem(filter);
        if (problem != null) {
            throw new InvalidRuleException(problem);
        }
        if (pattern) {
            for (String level : TopicFilters.split(filter)) {
                if ((level.contains("%u") || level.contains("%c")) && !level.equals("%u") && !level.equals("%c")) {
                    throw new InvalidRuleException("the pattern level '" + level + "' in '" + filter
                            + "' mixes a placeholder with other text; %u and %c must fill a whole level, as in 'users/%u/#'");
                }
            }
        }
        if (literal && (access == Access.WRITE)) {
            throw new InvalidRuleException("a literal rule only answers SUBSCRIBE, so it can grant read or deny, not write ('"
                    + filter + "')");
        }
    }

    /** A rule for everyone on {@code filter}; {@code %u} and {@code %c} are plain text here. */
    public static AclRule topic(Access access, String filter) {
        return new AclRule(RuleSubject.everyone(), access, filter, false, false, "");
    }

    /** A rule for everyone with {@code %u} (user name) and {@code %c} (client id) placeholders. */
    public static AclRule pattern(Access access, String filter) {
        return new AclRule(RuleSubject.everyone(), access, filter, true, false, "");
    }

    /** This rule, for {@code username} only. */
    public AclRule forUser(String username) {
        return new AclRule(RuleSubject.user(username), access, filter, pattern, literal, source);
    }

    /** This rule, for clients without a user name only. */
    public AclRule forAnonymous() {
        return new AclRule(RuleSubject.anonymous(), access, filter, pattern, literal, source);
    }

    /** This rule, for {@code subject}. */
    public AclRule forSubject(RuleSubject newSubject) {
        return new AclRule(newSubject, access, filter, pattern, literal, source);
    }

    /** This rule as a literal-filter rule: it answers SUBSCRIBE to exactly this filter text, nothing else. */
    public AclRule asLiteral() {
        return new AclRule(subject, access, filter, pattern, true, source);
    }

    /** This rule, remembering where it was written (shown by {@link AclAuthorizer#explain}). */
    public AclRule from(String newSource) {
        return new AclRule(subject, access, filter, pattern, literal, newSource);
    }

    boolean usesUsername() {
        return pattern && containsLevel("%u");
    }

    boolean usesClientId() {
        return pattern && containsLevel("%c");
    }

    private boolean containsLevel(String placeholder) {
        for (String level : TopicFilters.split(filter)) {
            if (level.equals(placeholder)) {
                return true;
            }
        }
        return false;
    }

    /** The rule as an ACL file line would say it, e.g. {@code pattern readwrite /users/%u/#}. */
    public String describe() {
        return (pattern ? "pattern " : "topic ") + (literal ? "literal " : "") + access.keyword() + " " + filter
                + (subject.kind() == RuleSubject.Kind.EVERYONE ? "" : " (" + subject + ")");
    }

    @Override
    public String toString() {
        return (source.isEmpty() ? "" : source + ": ") + describe();
    }
}
