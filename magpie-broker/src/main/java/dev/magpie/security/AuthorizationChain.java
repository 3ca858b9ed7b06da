package dev.magpie.security;

import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;

/**
 * Asks the configured authorizers in order; the first ALLOW or DENY wins. When all say NEXT the default
 * applies: with no authorizers at all everything is allowed (a broker without rules is open, as in the
 * embedded quick start); with authorizers configured, an action none of them allowed is denied. An
 * authorizer that throws denies (fail closed) and is logged. Each publish and subscribe answer of configured
 * authorizers is told to its {@link Outcomes} (the broker counts them in {@code magpie.authorizations}).
 */
public final class AuthorizationChain {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationChain.class);

    /** Told each answer to a publish or subscribe request; on the session's thread, so it must be quick (a counter). */
    @FunctionalInterface
    public interface Outcomes {
        Outcomes NONE = (subscribe, allowed) -> { };

        /** {@code subscribe}: the request was a SUBSCRIBE filter, else a PUBLISH; {@code allowed}: the answer. */
        void decided(boolean subscribe, boolean allowed);
    }

    private final List<Authorizer> authorizers;
    private final boolean allowByDefault;
    private final Outcomes outcomes;

    public AuthorizationChain(List<Authorizer> authorizers) {
        this(authorizers, Outcomes.NONE);
    }

    /** @param outcomes told every answer, when there are authorizers (without any, nothing is checked, nothing told) */
    public AuthorizationChain(List<Authorizer> authorizers, Outcomes outcomes) {
        this.authorizers = List.copyOf(authorizers);
        this.allowByDefault = authorizers.isEmpty();
        this.outcomes = outcomes;
    }

    public boolean isEmpty() {
        return authorizers.isEmpty();
    }

    public boolean mayPublish(ClientInfo client, String topic, int qos, boolean retain) {
        if (authorizers.isEmpty()) {
            return allowByDefault;
        }
        boolean allowed = ask(a -> a.authorizePublish(client, topic, qos, retain), allowByDefault, "publish by", client, topic);
        outcomes.decided(false, allowed);
        return allowed;
    }

    public boolean maySubscribe(ClientInfo client, String filter, int qos) {
        if (authorizers.isEmpty()) {
            return allowByDefault;
        }
        boolean allowed = ask(a -> a.authorizeSubscribe(client, filter, qos), allowByDefault, "subscribe by", client, filter);
        outcomes.decided(true, allowed);
        return allowed;
    }

    public boolean mayDeliver(ClientInfo subscriber, Message message) {
        // delivery is checked after subscribe already passed: NEXT from every authorizer means no objection
        return ask(a -> a.authorizeDelivery(subscriber, message), true, "delivery to", subscriber, message.topic());
    }

    /** The first ALLOW or DENY in chain order, else {@code whenAllPass}; an authorizer that throws denies. */
    private boolean ask(Function<Authorizer, Decision> question, boolean whenAllPass, String action, ClientInfo client,
                        String topic) {
        for (Authorizer a : authorizers) {
            Decision d;
            try {
                d = question.apply(a);
            } catch (RuntimeException e) {
                LOG.warn("authorizer {} failed on {} {} of {}: {}", a.getClass().getName(), action, client.clientId(), topic, e.toString());
                return false;
            }
            if (d == Decision.ALLOW) {
                return true;
            }
            if (d == Decision.DENY) {
                return false;
            }
        }
        return whenAllPass;
    }
}
