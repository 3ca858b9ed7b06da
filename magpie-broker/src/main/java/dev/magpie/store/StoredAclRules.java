package dev.magpie.store;

import dev.magpie.security.acl.Access;
import dev.magpie.security.acl.AclRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ACL rules kept in the user database ({@code acl_rules}), managed through the REST API ({@code /api/v1/acl})
 * and applied by {@link UserStoreAuthorizer}. Each rule is a user's (or everyone's, or a {@code %u}/{@code %c}
 * pattern's) access to a topic filter, exactly like a line of an ACL file:
 * <pre>{@code
 * long id = users.aclRules().add(new StoredAclRule(0, "alice", false, "readwrite", "alice/#"));
 * users.aclRules().remove(id);
 * }</pre>
 */
public final class StoredAclRules {
    private final UserStore store;

    StoredAclRules(UserStore store) {
        this.store = store;
    }

    /**
     * One rule.
     *
     * @param id       its id, given by the database (0 before it is added)
     * @param username the user it is for; null for everyone (or for a pattern rule)
     * @param pattern  whether {@code topic} is a pattern with {@code %u} (user name) and {@code %c} (client id)
     * @param access   read, write, readwrite or deny
     * @param topic    the topic filter
     */
    public record StoredAclRule(long id, String username, boolean pattern, String access, String topic) {
        /**
         * The rule engine's form of this rule.
         *
         * @throws IllegalArgumentException if the access keyword, filter or pattern is invalid
         */
        public AclRule toRule() {
            Access a;
            try {
                a = Access.valueOf(String.valueOf(access).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("access must be read, write, readwrite or deny, not '" + access + "'");
            }
            if (pattern && username != null) {
                throw new IllegalArgumentException("a pattern rule is for everyone: give either user or pattern");
            }
            AclRule rule = pattern ? AclRule.pattern(a, topic) : AclRule.topic(a, topic);
            if (username != null) {
                UserStore.validateName(username);
                rule = rule.forUser(username);
            }
            return rule.from("magpie.db acl_rules #" + id);
        }
    }

    /** Every rule, in the order they were added (ids ascending). */
    public List<StoredAclRule> list() {
        return store.query("list ACL rules", "SELECT id, username, pattern, access, topic FROM acl_rules ORDER BY id",
                rs -> new StoredAclRule(rs.getLong(1), rs.getString(2), rs.getInt(3) != 0, rs.getString(4), rs.getString(5)));
    }

    /**
     * Adds {@code rule} (its id is ignored) after checking it; returns its id.
     *
     * @throws IllegalArgumentException if the rule is invalid
     */
    public long add(StoredAclRule rule) {
        rule.toRule(); // validates
        String access = rule.access().toLowerCase(Locale.ROOT);
        store.update("add an ACL rule", "INSERT INTO acl_rules (username, pattern, access, topic, created_at) VALUES (?, ?, ?, ?, ?)",
                rule.username(), rule.pattern() ? "1" : "0", access, rule.topic(), UserStore.timestamp());
        List<Long> ids = store.query("read the new rule's id", "SELECT max(id) FROM acl_rules", rs -> rs.getLong(1));
        store.aclChanged();
        return ids.get(0);
    }

    /** Removes the rule {@code id}; returns whether there was one. */
    public boolean remove(long id) {
        boolean removed = store.update("remove ACL rule " + id, "DELETE FROM acl_rules WHERE id = ?", Long.toString(id)) > 0;
        store.aclChanged();
        return removed;
    }

    /** The rules in the rule engine's form; invalid rows (edited by hand) are skipped. */
    public List<AclRule> rules() {
        List<AclRule> out = new ArrayList<>();
        for (StoredAclRule r : list()) {
            try {
                out.add(r.toRule());
            } catch (IllegalArgumentException skipped) {
                // add() checked it; a row broken by hand must not stop the broker
            }
        }
        return out;
    }
}
