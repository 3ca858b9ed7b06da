package dev.magpie.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One account of the user database as {@link UserStore#list()} shows it: never the password hash.
 *
 * @param name      the user name clients present in CONNECT
 * @param createdAt when the user was added
 * @param updatedAt when the password was last set
 */
public record User(String name, Instant createdAt, Instant updatedAt) {
    public User {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
