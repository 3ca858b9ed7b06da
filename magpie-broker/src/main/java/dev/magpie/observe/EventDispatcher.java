package dev.magpie.observe;

import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * Calls every registered {@link BrokerListener} in order on the calling thread. A listener that throws is
 * logged and skipped: application code must never be able to break a connection or lose a message.
 */
public final class EventDispatcher implements BrokerListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private final List<BrokerListener> listeners;

    public EventDispatcher(List<BrokerListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    public boolean isEmpty() {
        return listeners.isEmpty();
    }

    private void each(String event, Consumer<BrokerListener> call) {
        for (BrokerListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed on {}: {}", l.getClass().getName(), event, e.toString(), e);
            }
        }
    }

    @Override
    public void clientConnected(ClientInfo client) {
        each("clientConnected", l -> l.clientConnected(client));
    }

    @Override
    public void clientDisconnected(ClientInfo client, String reason) {
        each("clientDisconnected", l -> l.clientDisconnected(client, reason));
    }

    @Override
    public void subscribed(ClientInfo client, String filter, int grantedQos) {
        each("subscribed", l -> l.subscribed(client, filter, grantedQos));
    }

    @Override
    public void unsubscribed(ClientInfo client, String filter) {
        each("unsubscribed", l -> l.unsubscribed(client, filter));
    }

    @Override
    public void published(ClientInfo publisher, Message message) {
        each("published", l -> l.published(publisher, message));
    }

    @Override
    public void delivered(ClientInfo subscriber, Message message) {
        each("delivered", l -> l.delivered(subscriber, message));
    }

    @Override
    public void dropped(ClientInfo subscriber, Message message, String reason) {
        each("dropped", l -> l.dropped(subscriber, message, reason));
    }

    @Override
    public void clientError(ClientInfo client, String error) {
        each("clientError", l -> l.clientError(client, error));
    }
}
