package dev.magpie.store;

/**
 * A user database operation that could not be done. {@link #kind()} tells a caller what kind of failure it is
 * (the CLI turns {@link Kind#STORAGE} into exit status 1 and the others into 2); the message is one line for a
 * person and never contains a password or a hash.
 */
public final class UserStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, so callers can react without parsing messages. */
    public enum Kind {
        /** The user name breaks the rules of {@link UserStore#validateName}. */
        INVALID_NAME,
        /** The password is empty. */
        INVALID_PASSWORD,
        /** {@code add} of a user that exists. */
        ALREADY_EXISTS,
        /** {@code setPassword} or {@code remove} of a user that does not exist. */
        NOT_FOUND,
        /** The database file cannot be opened, read, written or migrated. */
        STORAGE
    }

    private final Kind kind;

    public UserStoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public UserStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
