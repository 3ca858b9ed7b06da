package dev.magpie.transport;

import dev.magpie.Broker;
import dev.magpie.BrokerException;
import dev.magpie.Listener;
import dev.magpie.WebSocketSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 10: a bad bind address exited with "null" and a missing static folder was silent; both now say what to do. */
class ListenerStartRefusalTest {

    private static void assertRefused(Listener listener, String... parts) {
        Broker broker = Broker.builder().listener(listener).build();
        try {
            assertThatThrownBy(broker::start).isInstanceOf(BrokerException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains(parts).doesNotContain("null"));
        } finally {
            broker.stop();
        }
    }

    @Test
    void aHostNameThatDoesNotResolveIsNamedWithWhatToDo() {
        assertRefused(Listener.tcp("no-such-host.invalid", 0), "listener tcp cannot bind no-such-host.invalid:0",
                "does not resolve", "0.0.0.0 for every interface");
    }

    @Test
    void anAddressOfAnotherMachineSaysSo() {
        // TEST-NET-3 (RFC 5737): never assigned to a real host
        assertRefused(Listener.tcp("203.0.113.7", 0), "cannot bind 203.0.113.7:0", "not one of this machine's");
    }

    @Test
    void aMissingStaticFilesFolderFailsTheStart(@TempDir Path dir) {
        Path missing = dir.resolve("www");
        assertRefused(Listener.ws("127.0.0.1", 0).withWebSocket(WebSocketSettings.defaults().withStaticFiles(missing)),
                "listener ws: static files folder " + missing + " does not exist");
    }
}
