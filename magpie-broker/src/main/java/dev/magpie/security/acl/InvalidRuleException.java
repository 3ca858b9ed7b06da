package dev.magpie.security.acl;

/** A rule that cannot be used as written; the message says what is wrong with it and how to write it. */
public final class InvalidRuleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidRuleException(String message) {
        super(message);
    }
}
