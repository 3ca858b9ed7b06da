package dev.magpie.server.config;

import dev.magpie.Broker;

/**
 * Turns a {@link MagpieConfig} into a {@link Broker.Builder}: one {@code Listener} per listener entry and the
 * limits as {@code BrokerSettings}. Returning the builder (not a broker) lets the CLI add what later comes from
 * other sources, such as the user store's authenticator, before building.
 */
public final class BrokerMapping {

    private BrokerMapping() {
    }

    public static Broker.Builder builderFor(MagpieConfig config) {
        Broker.Builder builder = Broker.builder().settings(config.limits().toSettings());
        for (ListenerConfig listener : config.listeners()) {
            builder.listener(listener.toListener());
        }
        return builder;
    }
}
