package dev.magpie.mqtt5;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import dev.magpie.testkit.ScramClient;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SCRAM-SHA-256 for the HiveMQ MQTT client, on top of the test kit's {@link ScramClient}: what an application
 * using that client would write to log in to Magpie with SCRAM. It checks the server's signature at the end of
 * each exchange and counts how many it verified.
 */
final class ScramMechanism implements Mqtt5EnhancedAuthMechanism {
    private final String username;
    private final String password;
    final AtomicInteger serverVerified = new AtomicInteger();
    volatile Mqtt5ConnAck rejectedWith;
    private volatile ScramClient exchange;

    ScramMechanism(String username, String password) {
        this.username = username;
        this.password = password;
    }

    @Override
    public MqttUtf8String getMethod() {
        return MqttUtf8String.of("SCRAM-SHA-256");
    }

    @Override
    public int getTimeout() {
        return 10;
    }

    @Override
    public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect, Mqtt5EnhancedAuthBuilder auth) {
        exchange = new ScramClient(username, password);
        auth.data(exchange.clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder auth) {
        exchange = new ScramClient(username, password);
        auth.data(exchange.clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth, Mqtt5AuthBuilder answer) {
        answer.data(exchange.clientFinal(bytes(auth.getData())));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        return verified(connAck.getEnhancedAuth().flatMap(Mqtt5EnhancedAuth::getData));
    }

    @Override
    public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
        return verified(auth.getData());
    }

    private CompletableFuture<Boolean> verified(Optional<ByteBuffer> serverFinal) {
        boolean ok = serverFinal.isPresent() && exchange.verifyServerFinal(bytes(serverFinal));
        if (ok) {
            serverVerified.incrementAndGet();
        }
        return CompletableFuture.completedFuture(ok);
    }

    @Override
    public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        rejectedWith = connAck;
    }

    @Override
    public void onReAuthRejected(Mqtt5ClientConfig config, Mqtt5Disconnect disconnect) {
    }

    @Override
    public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    @Override
    public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    private static byte[] bytes(Optional<ByteBuffer> data) {
        ByteBuffer b = data.orElseThrow().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
