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
 * <p>The rules are read into memory when the store says they changed (every change through the API goes through
 * the same {@link UserStore}), never per PUBLISH; with no rules every question is a quick NEXT.
 */
public final class UserStoreAuthorizer implements Authorizer {
    private final UserStore store;
    private final Decision whenNoRuleMatches;
    private volatile Loaded loaded = new Loaded(-1, null);

    private record Loaded(long revision, AclAuthorizer acl) {
    }

    public UserStoreAuthorizer(UserStore store, Decision whenNoRuleMatches) {
        this.store = store;
        this.whenNoRuleMatches = whenNoRuleMatches;
    }

    private AclAuthorizer current() {
        Loaded l = loaded;
        long revision = store.aclRevision();
        if (l.revision != revision) {
            var rules = store.aclRules().rules();
            l = new Loaded(revision, rules.isEmpty() ? null : new AclAuthorizer(rules, whenNoRuleMatches));
            loaded = l;
        }
        return l.acl;
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
