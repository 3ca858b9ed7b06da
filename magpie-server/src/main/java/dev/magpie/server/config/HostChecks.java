package dev.magpie.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.magpie.BrokerException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a config can only be checked against on the machine that runs it, just before {@code serve} starts:
 * that each listener's bind address belongs to this host, that its TLS key belongs to its certificate, and
 * that its {@code static_dir} is a folder. Parsing ({@link ConfigLoader#parse}) stays free of the file system
 * and DNS so that a config can be validated anywhere; these checks fail closed at start-up with the key's
 * {@code file:line}, as every other config error does, instead of a listener that starts and then fails each
 * handshake, serves nothing, or exits with a bare "null".
 */
final class HostChecks {

    private HostChecks() {
    }

    /**
     * @param yaml the config file's text, to point at the key ({@code null} without a config file)
     * @throws ConfigException naming the key, its line and what to do
     */
    static void check(MagpieConfig config, ObjectMapper mapper, String sourceName, String yaml) {
        List<ListenerConfig> listeners = config.listeners();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig listener = listeners.get(i);
            String at = "listeners[" + i + "]";
            Optional<String> bindProblem = bindProblem(listener.bind());
            if (bindProblem.isPresent()) {
                throw error(mapper, sourceName, yaml, at + ".bind", at + ".bind '" + listener.bind() + "' " + bindProblem.get()
                        + "; use an address of this host, 0.0.0.0 for every interface or 127.0.0.1 for loopback only");
            }
            if (listener.tls() != null) {
                checkTls(listener.tls(), mapper, sourceName, yaml, at + ".tls");
            }
            if (listener.websocket() != null && !listener.websocket().staticDir().isEmpty()) {
                Path dir = Path.of(listener.websocket().staticDir());
                if (!Files.isDirectory(dir)) {
                    throw error(mapper, sourceName, yaml, at + ".websocket.static_dir", at + ".websocket.static_dir " + dir
                            + (Files.exists(dir) ? " is not a folder" : " does not exist")
                            + "; create it, correct the path (relative paths start at the config file's folder) or remove the key");
                }
            }
        }
    }

    private static void checkTls(TlsConfig tls, ObjectMapper mapper, String sourceName, String yaml, String at) {
        try {
            tls.toSettings().checkKeyMaterial();
        } catch (BrokerException e) {
            String message = String.valueOf(e.getMessage());
            String key;
            if (!tls.pkcs12File().isEmpty()) {
                key = "pkcs12_file";
            } else if (message.startsWith("certificate chain") || message.startsWith("cannot read " + tls.certFile())) {
                key = "cert_file";
            } else {
                key = "key_file";
            }
            throw error(mapper, sourceName, yaml, at + "." + key, at + "." + key + ": " + message);
        }
    }

    /** Why a listener cannot bind {@code host}, or empty if it can (as far as can be told before binding). */
    static Optional<String> bindProblem(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress address;
        try {
            address = InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return Optional.of("is not an IP address and does not resolve to one");
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return Optional.empty();
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null ? Optional.empty()
                    : Optional.of("(" + address.getHostAddress() + ") is not an address of this host");
        } catch (SocketException e) {
            return Optional.empty(); // cannot tell: let the bind itself decide
        }
    }

    private static ConfigException error(ObjectMapper mapper, String sourceName, String yaml, String keyPath, String reason) {
        Optional<JsonLocation> location = yaml == null ? Optional.empty() : KeyLocator.locate(mapper, yaml, keyPath);
        String where = location.map(ConfigErrors::where).filter(w -> !w.isEmpty()).map(w -> " at " + w).orElse("");
        return new ConfigException("config error in " + sourceName + where + ": " + reason);
    }

    /** The text of {@code file}, or {@code null} if it cannot be read now (the location is then left out). */
    static String textOf(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }
}
