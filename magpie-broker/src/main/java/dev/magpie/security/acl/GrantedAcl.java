package dev.magpie.security.acl;

import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-client ACL rules granted at authentication time, for example by a JWT's {@code acl} claim or an HTTP
 * authentication endpoint's answer. The authenticator attaches them to its answer with {@link #grant}; this
 * authorizer, placed in the authorization chain, then decides every action of that client from them alone:
 * what the grant does not allow is denied. Clients admitted without a grant get {@code withoutGrant}
 * (NEXT to let the next authorizer, such as an ACL file, decide; ALLOW where there is no other ACL).
 *
 * <p>The grant is compiled once into an {@link AclAuthorizer} when the client connects, so checks cost what
 * an ACL file's do. Its rules apply to the holder only; {@code %u} and {@code %c} patterns still work.
 *
 * <pre>{@code
 * // in an authenticator:
 * GrantedAcl grant = GrantedAcl.fromClaim(Map.of("pub", List.of("devices/%c/up"), "sub", List.of("devices/%c/down")));
 * return completedFuture(grant.grant(AuthResult.allowAs(name)));
 * // in the broker:
 * Broker.builder().authorizer(new GrantedAcl.Authorizer(Decision.NEXT)).authorizer(aclFromFile)
 * }</pre>
 */
public final class GrantedAcl {
    /** The {@link ClientInfo#attributes()} name under which a grant travels from authentication to authorization. */
    public static final String ATTRIBUTE = "dev.magpie.acl.granted";

    private final AclAuthorizer rules;

    private GrantedAcl(List<AclRule> rules) {
        this.rules = AclAuthorizer.of(rules);
    }

    /** A grant of exactly {@code rules}; nothing else is allowed. */
    public static GrantedAcl of(List<AclRule> rules) {
        return new GrantedAcl(rules);
    }

    /**
     * A grant from a claim shaped {@code {"pub": [filters], "sub": [filters], "all": [filters], "deny": [filters]}}:
     * {@code pub} may publish, {@code sub} may subscribe and receive, {@code all} both, {@code deny} neither (and
     * wins). Filters may use {@code %u} and {@code %c}. Unknown keys are refused rather than ignored, so a typo
     * never silently narrows or widens access.
     *
     * @throws InvalidRuleException if the claim is not shaped so or a filter is malformed
     */
    public static GrantedAcl fromClaim(Object claim) {
        if (!(claim instanceof Map<?, ?> map)) {
            throw new InvalidRuleException("an ACL claim must be an object like {\"pub\": [...], \"sub\": [...]}, was "
                    + describe(claim));
        }
        List<AclRule> rules = new ArrayList<>();
        // deny first: it wins anyway, listing it first keeps explanations short
        add(rules, map, "deny", Access.DENY);
        add(rules, map, "pub", Access.WRITE);
        add(rules, map, "sub", Access.READ);
        add(rules, map, "all", Access.READWRITE);
        for (Object key : map.keySet()) {
            if (!List.of("deny", "pub", "sub", "all").contains(key)) {
                throw new InvalidRuleException("unknown key '" + key + "' in an ACL claim: use pub, sub, all or deny");
            }
        }
        return new GrantedAcl(rules);
    }

    private static void add(List<AclRule> rules, Map<?, ?> claim, String key, Access access) {
        Object filters = claim.get(key);
        if (filters == null) {
            return;
        }
        if (!(filters instanceof Collection<?> list)) {
            throw new InvalidRuleException("'" + key + "' in an ACL claim must be a list of topic filters, was " + describe(filters));
        }
        for (Object filter : list) {
            if (!(filter instanceof String text)) {
                throw new InvalidRuleException("'" + key + "' in an ACL claim holds " + describe(filter) + ", not a topic filter");
            }
            rules.add(AclRule.pattern(access, text).from("granted " + key));
        }
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    /** {@code allowing} with this grant attached, for the broker to hand to {@link Authorizer}. */
    public AuthResult grant(AuthResult allowing) {
        return allowing.withAttribute(ATTRIBUTE, this);
    }

    /** The granted rules. */
    public List<AclRule> rules() {
        return rules.rules();
    }

    /**
     * The authorizer that enforces grants: for a client with one, the grant decides (allow or deny, never
     * next); for a client without one, {@code withoutGrant}.
     */
    public static final class Authorizer implements dev.magpie.spi.Authorizer {
        private final Decision withoutGrant;

        public Authorizer(Decision withoutGrant) {
            this.withoutGrant = Objects.requireNonNull(withoutGrant, "withoutGrant");
        }

        @Override
        public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
            return client.attribute(ATTRIBUTE, GrantedAcl.class)
                    .map(g -> g.rules.authorizePublish(client, topic, qos, retain)).orElse(withoutGrant);
        }

        @Override
        public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
            return client.attribute(ATTRIBUTE, GrantedAcl.class)
                    .map(g -> g.rules.authorizeSubscribe(client, filter, qos)).orElse(withoutGrant);
        }

        @Override
        public Decision authorizeDelivery(ClientInfo subscriber, Message message) {
            // the subscription was checked already; without a grant nothing more to say here
            return subscriber.attribute(ATTRIBUTE, GrantedAcl.class)
                    .map(g -> g.rules.authorizeDelivery(subscriber, message)).orElse(Decision.NEXT);
        }
    }

    @Override
    public String toString() {
        return "GrantedAcl" + rules.rules();
    }
}
