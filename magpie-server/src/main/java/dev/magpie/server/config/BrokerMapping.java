package dev.magpie.server.config;

import dev.magpie.Broker;

/**
 * Turns a {@link MagpieConfig} into a {@link Broker.Builder}: one {@code Listener} per listener entry
 * ({@code Listener.tcp/tls/ws/wss} with its {@code TlsSettings} and {@code WebSocketSettings}, built and
 * validated by {@link ListenerConfig#toListener()} so that refusals become config errors naming the key), the
 * limits as {@code BrokerSettings} and {@code BrokerLimits}, the {@code bans:} section as bans and flapping detection,
 * {@code security.login} as {@code LoginLimits}, the capabilities as {@code BrokerCapabilities}, the {@code persistence:} section as the builder's data
 * directory, each {@code webhooks:} entry as a {@code Webhook}, {@code sys_interval} and {@code sys_client_events} as the {@code $SYS} settings, the {@code metrics:} section as {@code Builder.metrics} (the file itself is opened by {@code Broker.start()}), the {@code cluster:} section as {@code Builder.cluster} with a Redis backend (connected by {@code Broker.start()}). Returning the builder (not
 * a broker) lets the CLI add what needs files and the user database opened first: the {@code security:}
 * section is mapped by {@code dev.magpie.server.security.ServerSecurity}, which owns those resources and their
 * reloading, so this class stays a pure translation without I/O.
 */
public final class BrokerMapping {

    private BrokerMapping() {
    }

    public static Broker.Builder builderFor(MagpieConfig config) {
        Broker.Builder builder = Broker.builder()
                .settings(config.limits().toSettings().withQueueQos0Messages(config.persistence().queueQos0Messages()))
                .limits(config.limits().toLimits(config.bans().flapping().toFlapping()))
                .capabilities(config.capabilities().toCapabilities())
                .loginLimits(config.security().login().toLoginLimits());
        config.bans().toBans().forEach(builder::ban);
        config.persistence().applyTo(builder, config.dataDir().toAbsolutePath().normalize());
        for (ListenerConfig listener : config.listeners()) {
            builder.listener(listener.toListener());
        }
        config.webhooks().forEach(hook -> builder.webhook(hook.toWebhook()));
        builder.sysInterval(config.sysInterval()).sysClientEvents(config.sysClientEvents());
        config.metrics().applyTo(builder);
        config.cluster().applyTo(builder);
        config.io().applyTo(builder);
        return builder;
    }
}
