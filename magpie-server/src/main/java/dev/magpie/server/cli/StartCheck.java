package dev.magpie.server.cli;

import dev.magpie.Broker;
import dev.magpie.server.config.ListenerConfig;
import dev.magpie.server.config.ListenerType;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/**
 * {@code magpie serve --check}: the broker has started with the configuration; each plain {@code tcp} listener is
 * sent one MQTT 3.1.1 CONNECT (anonymous, clean session) and its CONNACK code is printed, then everything stops.
 * A deployment script learns that the file, the certificates and the ports are usable without leaving a broker
 * running; the build runs it once to record which classes a start loads (bin/magpie's class-data archive).
 */
final class StartCheck {
    /** CONNECT, MQTT 3.1.1, clean session, keep-alive 10 s, client id "magpie-check". */
    private static final byte[] CONNECT = {0x10, 24, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 10, 0, 12,
            'm', 'a', 'g', 'p', 'i', 'e', '-', 'c', 'h', 'e', 'c', 'k'};
    /** DISCONNECT: the check's client leaves no session or log line of a lost connection behind. */
    private static final byte[] DISCONNECT = {(byte) 0xE0, 0};
    private static final int TIMEOUT_MILLIS = 5_000;

    private StartCheck() {
    }

    /** Connects once to each tcp listener of {@code listeners} on {@code broker} and prints a line for each. */
    static void run(Broker broker, List<ListenerConfig> listeners, PrintWriter out) {
        for (ListenerConfig listener : listeners) {
            if (listener.type() != ListenerType.TCP) {
                out.println("listener " + listener.name() + " (" + listener.type().yamlName() + "): bound to " + broker.address(listener.name()));
                continue;
            }
            InetSocketAddress bound = broker.address(listener.name());
            InetSocketAddress target = bound.getAddress().isAnyLocalAddress()
                    ? new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()) : bound;
            out.println("listener " + listener.name() + " (tcp) on " + bound + ": " + connackOf(target));
        }
        out.flush();
    }

    private static String connackOf(InetSocketAddress target) {
        try (Socket socket = new Socket()) {
            socket.connect(target, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.getOutputStream().write(CONNECT);
            InputStream in = socket.getInputStream();
            byte[] connack = in.readNBytes(4);
            if (connack.length < 4 || connack[0] != 0x20) {
                return "no CONNACK";
            }
            int code = connack[3] & 0xFF;
            if (code == 0) {
                socket.getOutputStream().write(DISCONNECT);
                return "CONNACK 0x00, accepted";
            }
            return String.format("CONNACK 0x%02X, refused (anonymous clients not allowed?)", code);
        } catch (IOException e) {
            return "cannot connect: " + e.getMessage();
        }
    }
}
