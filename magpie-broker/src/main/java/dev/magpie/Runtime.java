package dev.magpie;

import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Authorizer;
import dev.magpie.spi.BrokerListener;
import dev.magpie.spi.Interceptor;
import dev.magpie.spi.Message;

import java.net.InetSocketAddress;
import java.util.List;

/** Wires the internal layers together for one {@link Broker}; filled in by the broker core. */
final class Runtime {
    Runtime(List<Listener> listeners, BrokerSettings settings, List<Authenticator> authenticators,
            List<Authorizer> authorizers, List<Interceptor> interceptors, List<BrokerListener> eventListeners) {
    }

    void start() {
        throw new UnsupportedOperationException("not yet");
    }

    InetSocketAddress boundAddress(String listenerName) {
        throw new UnsupportedOperationException("not yet");
    }

    void publish(Message message) {
        throw new UnsupportedOperationException("not yet");
    }

    void stop() {
    }
}
