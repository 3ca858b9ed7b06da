package dev.magpie.server.doctor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Opens the TCP connection, trying the resolved addresses in order as a phone would. When one address fails and
 * a later one works, the check warns: phones that pick the failing one (often the IPv6 address on a mobile
 * network) cannot connect.
 */
final class TcpConnect {

    private TcpConnect() {
    }

    /** The address that worked and its connection, if any did. */
    record Opened(InetSocketAddress address, Connection connection) {
    }

    static Optional<Opened> run(Target target, List<InetAddress> addresses, Duration timeout, Results results) {
        List<String> failures = new ArrayList<>();
        IOException last = null;
        for (InetAddress address : addresses) {
            InetSocketAddress socketAddress = new InetSocketAddress(address, target.port());
            RecordingSocket socket = new RecordingSocket();
            long start = System.nanoTime();
            try {
                socket.connect(socketAddress, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                socket.setTcpNoDelay(true);
                long millis = (System.nanoTime() - start) / 1_000_000;
                String where = address.getHostAddress() + " port " + target.port();
                if (failures.isEmpty()) {
                    results.add(CheckResult.pass(Check.CONNECT, "connected to " + where + " in " + millis + " ms"));
                } else {
                    results.add(CheckResult.warn(Check.CONNECT, "connected to " + where + ", but "
                                    + String.join("; ", failures),
                            "make every address of " + target.host() + " reach the server, or remove the DNS records"
                                    + " of those that do not: a phone may pick any of them"));
                }
                return Optional.of(new Opened(socketAddress, new Connection(socket)));
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
                failures.add(address.getHostAddress() + " " + describe(e, timeout));
            }
        }
        if (last == null) {
            return Optional.empty();
        }
        results.add(CheckResult.fail(Check.CONNECT, "port " + target.port() + " of " + target.host() + ": "
                + String.join("; ", failures), fix(last, target)));
        return Optional.empty();
    }

    private static String describe(IOException e, Duration timeout) {
        if (e instanceof SocketTimeoutException) {
            return "did not answer within " + Durations.text(timeout);
        }
        if (e instanceof ConnectException) {
            return "refused the connection (nothing listens there)";
        }
        if (e instanceof NoRouteToHostException) {
            return "is unreachable (no route to host)";
        }
        return "failed: " + e.getMessage();
    }

    private static String fix(IOException e, Target target) {
        if (e instanceof ConnectException) {
            return "start the broker's " + (target.scheme().miniProgram() ? "wss" : target.scheme().text())
                    + " listener on port " + target.port() + " (or the proxy in front of it); `ss -ltnp` on the server"
                    + " shows what listens";
        }
        return "open port " + target.port() + " in the server's firewall and the cloud provider's security group";
    }

    private static void closeQuietly(RecordingSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connect failed; the socket holds nothing
        }
    }
}
