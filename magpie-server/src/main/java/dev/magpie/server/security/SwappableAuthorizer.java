package dev.magpie.server.security;

import dev.magpie.spi.Authorizer;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link Authorizer} that asks whichever authorizer it currently holds, so a reload can replace a whole
 * rule set in one step while event loops keep asking: each question sees the old rules or the new ones,
 * never a mixture. A volatile read per question, no locks, so it stays fit for the event loop.
 */
public final class SwappableAuthorizer implements Authorizer {
    private final AtomicReference<Authorizer> current;

    public SwappableAuthorizer(Authorizer initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** The authorizer answering now. */
    public Authorizer current() {
        return current.get();
    }

    /** Makes {@code next} answer every question from now on. */
    public void swap(Authorizer next) {
        current.set(Objects.requireNonNull(next, "next"));
    }

    @Override
    public Decision authorizePublish(ClientInfo client, String topic, int qos, boolean retain) {
        return current.get().authorizePublish(client, topic, qos, retain);
    }

    @Override
    public Decision authorizeSubscribe(ClientInfo client, String filter, int qos) {
        return current.get().authorizeSubscribe(client, filter, qos);
    }

    @Override
    public Decision authorizeDelivery(ClientInfo subscriber, Message message) {
        return current.get().authorizeDelivery(subscriber, message);
    }
}
