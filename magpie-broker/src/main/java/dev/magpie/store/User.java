package dev.magpie.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One account of the user database as {@link UserStore#list()} shows it: never the password hash.
 *
 * @param name      the user name clients present in CONNECT
 * @param createdAt when the user was added
 * @param updatedAt when the password (or the admin flag) was last set
 * @param admin     whether the user may use the REST API ({@code magpie user add NAME --admin})
 */
public record User(String name, Instant createdAt, Instant updatedAt, boolean admin) {
    public User {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A user who is not an administrator. */
    public User(String name, Instant createdAt, Instant updatedAt) {
        this(name, createdAt, updatedAt, false);
    }
}
