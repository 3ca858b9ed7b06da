package dev.magpie.store;

import java.util.List;

/**
 * The tables of the user database ({@link UserStore}, with {@link ApiKeys} and {@link StoredAclRules}), as the
 * migration steps that build them, with their own version table ({@code schema_version}). Apart from the store, as
 * {@link MessageSchema} is for the message tables, so that the store reads as what it does with its tables.
 */
final class UserSchema {
    /**
     * Migration steps: entry {@code i} takes the schema from version {@code i} to {@code i + 1}. Append new
     * steps, never change old ones: a file on disk may be at any earlier version.
     */
    static final SchemaMigrations MIGRATIONS = new SchemaMigrations("schema_version", List.of(
            List.of("""
                    CREATE TABLE users (
                        name          TEXT PRIMARY KEY NOT NULL,
                        password_hash TEXT NOT NULL,
                        created_at    TEXT NOT NULL,
                        updated_at    TEXT NOT NULL
                    )"""),
            // 1 -> 2: SCRAM-SHA-256 credentials (RFC 5803 text), made when a password is set; NULL for users
            // whose password was set before, until it is set again
            List.of("ALTER TABLE users ADD COLUMN scram_sha256 TEXT"),
            // 2 -> 3: the admin flag (the REST API's administrators), API keys (SHA-256 of 256-bit random keys)
            // and the ACL rules managed through the API; existing users are not administrators
            List.of("ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0",
                    """
                    CREATE TABLE api_keys (
                        name       TEXT PRIMARY KEY NOT NULL,
                        key_hash   TEXT NOT NULL UNIQUE,
                        created_at TEXT NOT NULL
                    )""",
                    """
                    CREATE TABLE acl_rules (
                        id         INTEGER PRIMARY KEY AUTOINCREMENT,
                        username   TEXT,
                        pattern    INTEGER NOT NULL DEFAULT 0,
                        access     TEXT NOT NULL,
                        topic      TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    )""")), false);

    private UserSchema() {
    }
}
