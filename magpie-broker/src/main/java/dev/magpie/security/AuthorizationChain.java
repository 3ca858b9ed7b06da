package dev.magpie.security;

import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Asks the configured authorizers in order; the first ALLOW or DENY wins. When all say NEXT the default
 * applies: with no authorizers at all everything is allowed (a broker without rules is open, as in the
 * embedded quick start); with authorizers configured, an action none of them allowed is denied. An
 * authorizer that throws denies (fail closed) and is logged.
 */
public final class AuthorizationChain {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationChain.class);

    private final List<Authorizer> authorizers;
    private final boolean allowByDefault;

    public AuthorizationChain(List<Authorizer> authorizers) {
        this.authorizers = List.copyOf(authorizers);
        this.allowByDefault = authorizers.isEmpty();
    }

    public boolean isEmpty() {
        return authorizers.isEmpty();
    }

    public boolean mayPublish(ClientInfo client, String topic, int qos, boolean retain) {
        for (Authorizer a : authorizers) {
            Decision d;
            try {
                d = a.authorizePublish(client, topic, qos, retain);
            } catch (RuntimeException e) {
                LOG.warn("authorizer {} failed on publish by {} to {}: {}", a.getClass().getName(), client.clientId(), topic, e.toString());
                return false;
            }
            if (d == Decision.ALLOW) {
                return true;
            }
            if (d == Decision.DENY) {
                return false;
            }
        }
        return allowByDefault;
    }

    public boolean maySubscribe(ClientInfo client, String filter, int qos) {
        for (Authorizer a : authorizers) {
            Decision d;
            try {
                d = a.authorizeSubscribe(client, filter, qos);
            } catch (RuntimeException e) {
                LOG.warn("authorizer {} failed on subscribe by {} to {}: {}", a.getClass().getName(), client.clientId(), filter, e.toString());
                return false;
            }
            if (d == Decision.ALLOW) {
                return true;
            }
            if (d == Decision.DENY) {
                return false;
            }
        }
        return allowByDefault;
    }

    public boolean mayDeliver(ClientInfo subscriber, Message message) {
        for (Authorizer a : authorizers) {
            Decision d;
            try {
                d = a.authorizeDelivery(subscriber, message);
            } catch (RuntimeException e) {
                LOG.warn("authorizer {} failed on delivery to {} of {}: {}", a.getClass().getName(), subscriber.clientId(), message.topic(), e.toString());
                return false;
            }
            if (d == Decision.ALLOW) {
                return true;
            }
            if (d == Decision.DENY) {
                return false;
            }
        }
        // delivery is checked after subscribe already passed: NEXT from every authorizer means no objection
        return true;
    }
}
