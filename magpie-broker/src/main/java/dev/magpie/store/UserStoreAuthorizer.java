package dev.magpie.store;

import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;

/**
 * Applies the ACL rules kept in the user database ({@link StoredAclRules}, managed through the REST API): the first
 * rule that matches decides, as in an ACL file; when none matches it answers {@code whenNoRuleMatches}:
 * {@link Decision#NEXT} when an ACL file comes next (its rules and default policy decide), {@link Decision#ALLOW}
 * when it is the last authorizer (without an ACL file every action is allowed, so the rules here can only
 * take rights away or be the grants of a deny-by-default file).
 *
 * <p>The rules are read into memory here (on the thread that builds the broker) and again on the thread that changes
 * them, when the store says they changed (every change through the API goes through the same {@link UserStore}): an
 * event loop asking only reads a volatile field, never the database. With no rules every question is answered at once.
 */
public final class UserStoreAuthorizer implements Authorizer {
    private final UserStore store;
    private final Decision whenNoRuleMatches;
    private volatile AclAuthorizer loaded;

    /**
     * Reads the rules now and follows their changes.
     *
     * @param whenNoRuleMatches NEXT when an ACL file's authorizer comes next, ALLOW when this one is the last
     * @throws UserStoreException if the rules cannot be read
     */
    public UserStoreAuthorizer(UserStore store, Decision whenNoRuleMatches) {
        this.store = store;
        this.whenNoRuleMatches = whenNoRuleMatches;
        reload();
        store.onAclRulesChanged(this::reload);
    }

    private synchronized void reload() {
        var rules = store.aclRules().rules();
        loaded = rules.isEmpty() ? null : new AclAuthorizer(rules, whenNoRuleMatches);
    }

    private AclAuthorizer current() {
        return loaded;
    }

    @Override
    public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
        AclAuthorizer acl = current();
        return acl == null ? whenNoRuleMatches : acl.authorizePublish(client, topic, qos, retain);
    }

    @Override
    public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
        AclAuthorizer acl = current();
        return acl == null ? whenNoRuleMatches : acl.authorizeSubscribe(client, filter, qos);
    }

    @Override
    public Decision authorizeDelivery(ClientInfo subscriber, Message message) {
        AclAuthorizer acl = current();
        return acl == null ? whenNoRuleMatches : acl.authorizeDelivery(subscriber, message);
    }

    @Override
    public String toString() {
        return "UserStoreAuthorizer[" + store.location() + "]";
    }
}
