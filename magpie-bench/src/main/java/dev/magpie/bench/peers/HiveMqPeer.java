package dev.magpie.bench.peers;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HiveMQ CE embedded, for the peer comparison only: one TCP listener on 127.0.0.1:PORT, in-memory persistence,
 * anonymous clients (an embedded extension that accepts every CONNECT: HiveMQ CE refuses all clients when no
 * security extension is present), no usage statistics (no traffic off the machine). HiveMQ sets TCP_NODELAY on its
 * connections itself. Prints {@code READY PORT} once started, then runs until killed.
 *
 * <pre>
 * java -cp magpie-bench/target/classes:$(cat magpie-bench/target/peers/hivemq/classpath.txt) \
 *     dev.magpie.bench.peers.HiveMqPeer 1883 /tmp/hivemq-work
 * </pre>
 */
public final class HiveMqPeer {
    private HiveMqPeer() {
    }

    /** {@code args}: port, then a work directory (config, data and extensions folders are made in it). */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path work = Path.of(args.length > 1 ? args[1] : "target/peers/hivemq/work");
        Path config = Files.createDirectories(work.resolve("conf"));
        Files.writeString(config.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedExtension allowAll = EmbeddedExtension.builder().withId("allow-all").withName("allow all")
                .withVersion("1").withPriority(0).withStartPriority(1000).withExtensionMain(new AllowAll()).build();
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(config)
                .withDataFolder(Files.createDirectories(work.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(work.resolve("extensions")))
                .withEmbeddedExtension(allowAll).build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> hivemq.stop().join()));
        hivemq.start().join();
        System.out.println("READY " + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Accepts every client, like mosquitto's {@code allow_anonymous true}. */
    private static final class AllowAll implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            Services.securityRegistry().setAuthenticatorProvider(
                    provider -> (SimpleAuthenticator) (connect, result) -> result.authenticateSuccessfully());
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        }
    }
}
