package dev.magpie.security.acl;

import java.util.Objects;

/**
 * Whom a rule applies to: every client, only clients without a user name, or one user.
 *
 * @param kind     which of the three
 * @param username the user name for {@link Kind#USER}; empty otherwise
 */
public record RuleSubject(Kind kind, String username) {
    /** The three audiences of a rule. */
    public enum Kind { EVERYONE, ANONYMOUS, USER }

    private static final RuleSubject EVERYONE = new RuleSubject(Kind.EVERYONE, "");
    private static final RuleSubject ANONYMOUS = new RuleSubject(Kind.ANONYMOUS, "");

    public RuleSubject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(username, "username");
        if (kind != Kind.USER && !username.isEmpty()) {
            throw new IllegalArgumentException("only a USER subject has a user name");
        }
    }

    public static RuleSubject everyone() {
        return EVERYONE;
    }

    /** Clients that connected without a user name. */
    public static RuleSubject anonymous() {
        return ANONYMOUS;
    }

    public static RuleSubject user(String username) {
        return new RuleSubject(Kind.USER, Objects.requireNonNull(username, "username"));
    }

    /** True if a client with this user name ({@code null} for anonymous) is in the audience. */
    public boolean includes(String clientUsername) {
        return switch (kind) {
            case EVERYONE -> true;
            case ANONYMOUS -> clientUsername == null;
            case USER -> username.equals(clientUsername);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EVERYONE -> "everyone";
            case ANONYMOUS -> "anonymous clients";
            case USER -> "user " + username;
        };
    }
}
