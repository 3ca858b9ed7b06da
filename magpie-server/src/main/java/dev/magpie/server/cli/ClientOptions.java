package dev.magpie.server.cli;

import dev.magpie.codec.Connect;
import dev.magpie.codec.MqttProperties;
import dev.magpie.codec.MqttVersion;
import dev.magpie.codec.TopicSyntax;
import dev.magpie.server.client.ClientLogin;
import dev.magpie.server.client.ClientTls;
import dev.magpie.server.client.Endpoint;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The options {@code magpie pub} and {@code magpie sub} share, named as mosquitto_pub and mosquitto_sub name them
 * ({@code -h -p -L -u -P -V -i -c -x -k -q -W -d --cafile --cert --key --insecure --tls-use-os-certs --will-*}), plus
 * {@code --ws}/{@code --ws-path} for WebSocket and {@code --ask-password}. Turned into an {@link Endpoint} and a
 * {@link ClientLogin} here, so the rules (default ports, when TLS is on, which combinations are errors) live in one
 * place; a bad combination is a {@link UsageException}.
 */
final class ClientOptions {

    /** Read for the password when -u is given without -P or --ask-password, so it need not be on the command line. */
    static final String PASSWORD_VARIABLE = "MAGPIE_PASSWORD";
    /** Without -W: how long connecting (TCP, TLS, WebSocket, CONNACK) may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = {"-h", "--host"}, paramLabel = "HOST", defaultValue = "localhost", order = 10,
            description = "Broker host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", order = 11,
            description = "Broker port (default: 1883; 8883 with TLS; 80 with --ws, 443 with --ws and TLS).")
    Integer port;

    @Option(names = {"-L", "--url"}, paramLabel = "URL", order = 12,
            description = "Where to connect as one URL, instead of -h/-p/--ws: mqtt://[USER[:PW]@]HOST[:PORT][/TOPIC],"
                    + " mqtts://... (TLS), ws://HOST[:PORT][/PATH] or wss://... (WebSocket on PATH, default /mqtt).")
    String url;

    @Option(names = "--ws", order = 13, description = "MQTT over WebSocket (subprotocol mqtt) on --ws-path.")
    boolean webSocket;

    @Option(names = "--ws-path", paramLabel = "PATH", defaultValue = "/mqtt", order = 14,
            description = "HTTP path of the WebSocket upgrade (default: ${DEFAULT-VALUE}).")
    String webSocketPath;

    @Option(names = "--cafile", paramLabel = "FILE", order = 20,
            description = "TLS, trusting the CA certificate(s) in this PEM file (e.g. data/certs/ca.crt of serve --dev).")
    Path caFile;

    @Option(names = "--tls-use-os-certs", order = 21, description = "TLS, trusting the system's (the JVM's) root CAs.")
    boolean systemRoots;

    @Option(names = "--cert", paramLabel = "FILE", order = 22,
            description = "Client certificate (PEM) for mutual TLS; needs --key. Turns TLS on.")
    Path certFile;

    @Option(names = "--key", paramLabel = "FILE", order = 23, description = "Unencrypted PEM private key of --cert.")
    Path keyFile;

    @Option(names = "--insecure", order = 24,
            description = "Do not check that the server's certificate names the host (the chain is still checked).")
    boolean insecure;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", order = 30, description = "User name.")
    String username;

    @Option(names = {"-P", "--pw"}, paramLabel = "PW", arity = "1", order = 31,
            description = "Password. Visible to other users of this machine (ps): prefer --ask-password or "
                    + PASSWORD_VARIABLE + ".")
    char[] password;

    @Option(names = "--ask-password", order = 32,
            description = "Ask for the password at the terminal (not shown), or read one line from standard input."
                    + " Without -P or this, -u takes the password from $" + PASSWORD_VARIABLE + " if it is set.")
    boolean askPassword;

    @Option(names = {"-V", "--protocol-version"}, paramLabel = "V", defaultValue = "5", order = 40,
            converter = VersionConverter.class,
            description = "MQTT version: 5 (also 5.0, mqttv5), 311 (3.1.1, mqttv311) or 31 (3.1, mqttv31) (default: 5,"
                    + " so refusals come with reason codes).")
    MqttVersion version;

    @Option(names = {"-i", "--id"}, paramLabel = "ID", order = 41,
            description = "Client id (default: magpie-pub- or magpie-sub- and random hex).")
    String clientId;

    @Option(names = {"-c", "--disable-clean-session"}, order = 42,
            description = "Persistent session: resume the one of this -i, and keep it after disconnecting (5.0: until"
                    + " -x expires it; never without -x).")
    boolean persistent;

    @Option(names = {"-x", "--session-expiry-interval"}, paramLabel = "SECONDS", order = 43,
            description = "5.0: seconds the broker keeps the session after disconnecting; -1 or never: no expiry"
                    + " (default: 0; never with -c).")
    String sessionExpiry;

    @Option(names = {"-k", "--keepalive"}, paramLabel = "SECONDS", defaultValue = "60", order = 44,
            description = "Keep-alive: a PINGREQ after this long without sending; 0 switches it off (default: ${DEFAULT-VALUE}).")
    int keepAlive;

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", defaultValue = "0", order = 45,
            description = "Quality of service 0, 1 or 2 (default: ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = {"-W", "--timeout"}, paramLabel = "SECONDS", order = 46,
            description = "Give up after this many seconds, connecting included, with exit status 4 (default: no limit;"
                    + " connecting alone may take 10 s).")
    Integer timeoutSeconds;

    @Option(names = "--will-topic", paramLabel = "TOPIC", order = 50,
            description = "A will: the broker publishes --will-payload to this topic if the connection ends without"
                    + " DISCONNECT (kill -9 the client to test it).")
    String willTopic;

    @Option(names = "--will-payload", paramLabel = "TEXT", order = 51, description = "The will's message (default: empty).")
    String willPayload;

    @Option(names = "--will-qos", paramLabel = "QOS", defaultValue = "0", order = 52,
            description = "The will's QoS (default: ${DEFAULT-VALUE}).")
    int willQos;

    @Option(names = "--will-retain", order = 53, description = "Retain the will.")
    boolean willRetain;

    @Option(names = {"-d", "--debug"}, order = 47, description = "Print every packet sent and received on standard error.")
    boolean debug;

    /** The topic of an {@code mqtt://…/TOPIC} URL, if it had one. */
    Optional<String> urlTopic() {
        URI uri = parsedUrl();
        if (uri == null || isWebSocketScheme(uri.getScheme()) || uri.getRawPath() == null || uri.getRawPath().length() <= 1) {
            return Optional.empty();
        }
        return Optional.of(URLDecoder.decode(uri.getRawPath().substring(1), StandardCharsets.UTF_8));
    }

    Endpoint endpoint() {
        URI uri = parsedUrl();
        String scheme = uri == null ? null : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean ws = uri == null ? webSocket : isWebSocketScheme(scheme);
        boolean tlsFromUrl = "mqtts".equals(scheme) || "wss".equals(scheme);
        if (uri != null && (webSocket || port != null || !"localhost".equals(host))) {
            throw new UsageException("give either -L URL or -h/-p/--ws, not both");
        }
        if (certFile != null && keyFile == null || keyFile != null && certFile == null) {
            throw new UsageException("--cert and --key go together (the client certificate and its private key)");
        }
        boolean tlsOn = tlsFromUrl || caFile != null || systemRoots || certFile != null;
        if (insecure && !tlsOn) {
            throw new UsageException("--insecure is about TLS: add --cafile FILE or --tls-use-os-certs (or an mqtts:// or wss:// URL)");
        }
        ClientTls tls = !tlsOn ? ClientTls.off() : caFile != null ? ClientTls.trusting(caFile) : ClientTls.trustingSystemRoots();
        if (certFile != null) {
            tls = tls.withClientCertificate(certFile, keyFile);
        }
        if (insecure) {
            tls = tls.withoutHostNameCheck();
        }
        String targetHost = uri == null ? host : uri.getHost();
        if (targetHost == null || targetHost.isEmpty()) {
            throw new UsageException("the URL '" + url + "' names no host");
        }
        int defaultPort = ws ? (tlsOn ? 443 : 80) : (tlsOn ? 8883 : 1883);
        int targetPort = uri != null ? (uri.getPort() > 0 ? uri.getPort() : defaultPort) : port != null ? port : defaultPort;
        String path = uri == null ? webSocketPath : uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/mqtt" : uri.getRawPath();
        try {
            return ws ? Endpoint.webSocket(targetHost, targetPort, path, tls) : Endpoint.tcp(targetHost, targetPort, tls);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * The CONNECT's settings. {@code idPrefix} starts a generated client id; {@code stdinBusy} says standard input
     * carries messages, so the password cannot be read from it.
     */
    ClientLogin login(String idPrefix, Terminal terminal, Map<String, String> environment, boolean stdinBusy)
            throws IOException {
        if (qos < 0 || qos > 2) {
            throw new UsageException("-q " + qos + " is not a QoS: use 0, 1 or 2");
        }
        if (persistent && (clientId == null || clientId.isEmpty())) {
            throw new UsageException("-c needs -i ID: a persistent session is found again by its client id [MQTT-3.1.3-7]");
        }
        long expiry = persistent && version.isV5() ? ClientLogin.NEVER_EXPIRES : 0;
        if (sessionExpiry != null) {
            if (!version.isV5()) {
                throw new UsageException("-x is MQTT 5.0 only (-V 5); with 3.1.1 use -c for a session that stays");
            }
            expiry = parseExpiry(sessionExpiry);
        }
        if (willTopic == null && (willPayload != null || willRetain)) {
            throw new UsageException("--will-payload and --will-retain need --will-topic");
        }
        if (password != null && askPassword) {
            throw new UsageException("give the password with -P or --ask-password, not both");
        }
        if (askPassword && username == null && !version.isV5()) {
            throw new UsageException("--ask-password needs -u USER: MQTT 3.1.1 sends no password without a user name [MQTT-3.1.2-22]");
        }
        String id = clientId != null ? clientId : idPrefix + HexFormat.of().toHexDigits(RANDOM.nextInt());
        byte[] secret = secret(terminal, environment, stdinBusy);
        try {
            ClientLogin login = new ClientLogin(version, id, !persistent, expiry, keepAlive, username, secret, null);
            return willTopic == null ? login : login.withWill(will());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private Connect.Will will() {
        if (!TopicSyntax.isValidTopicName(willTopic)) {
            throw new UsageException("--will-topic '" + willTopic + "' is not a topic: no + or #, not empty [MQTT-3.1.3-11]");
        }
        if (willQos < 0 || willQos > 2) {
            throw new UsageException("--will-qos " + willQos + " is not a QoS: use 0, 1 or 2");
        }
        byte[] payload = willPayload == null ? new byte[0] : willPayload.getBytes(StandardCharsets.UTF_8);
        return new Connect.Will(willTopic, payload, willQos, willRetain, MqttProperties.EMPTY);
    }

    /** With -d, a packet per line on {@code err}; else nothing. Called from the connection's thread. */
    Consumer<String> trace(PrintWriter err) {
        return debug ? line -> {
            synchronized (err) {
                err.println(line);
                err.flush();
            }
        } : line -> { };
    }

    /** -W as a duration, or empty for no limit. */
    Optional<Duration> timeout() {
        if (timeoutSeconds == null) {
            return Optional.empty();
        }
        if (timeoutSeconds < 1) {
            throw new UsageException("-W " + timeoutSeconds + ": the timeout is a number of seconds, at least 1");
        }
        return Optional.of(Duration.ofSeconds(timeoutSeconds));
    }

    private byte[] secret(Terminal terminal, Map<String, String> environment, boolean stdinBusy) throws IOException {
        char[] chars = password;
        if (askPassword) {
            if (terminal.hasConsole()) {
                chars = terminal.readHidden("Password" + (username == null ? "" : " for " + username) + ": ");
                if (chars == null) {
                    throw new UsageException("no password entered");
                }
            } else if (stdinBusy) {
                throw new UsageException("--ask-password without a terminal reads standard input, which carries the"
                        + " messages here: use $" + PASSWORD_VARIABLE + " instead");
            } else {
                chars = PasswordPrompt.readLine(terminal.stdin());
            }
        } else if (chars == null && username != null && environment.containsKey(PASSWORD_VARIABLE)) {
            chars = environment.get(PASSWORD_VARIABLE).toCharArray();
        }
        if (chars == null) {
            return null;
        }
        return PasswordPrompt.utf8(chars);
    }

    private static long parseExpiry(String value) {
        String v = value.strip();
        if (v.equals("-1") || v.equalsIgnoreCase("never") || v.equals("∞")) {
            return ClientLogin.NEVER_EXPIRES;
        }
        try {
            long seconds = Long.parseLong(v);
            if (seconds >= 0 && seconds <= ClientLogin.NEVER_EXPIRES) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("-x " + value + " is not a session expiry: seconds 0..4294967295, or -1 / never");
    }

    private URI parsedUrl() {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("mqtt") && !scheme.equals("mqtts") && !isWebSocketScheme(scheme)) {
                throw new UsageException("the URL '" + url + "' must start with mqtt://, mqtts://, ws:// or wss://");
            }
            if (uri.getRawUserInfo() != null) {
                useUserInfo(uri.getRawUserInfo());
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("'" + url + "' is not a URL: " + e.getMessage());
        }
    }

    /** {@code USER[:PW]@} of a URL, as mosquitto's -L reads it; -u and -P win. */
    private void useUserInfo(String userInfo) {
        int colon = userInfo.indexOf(':');
        String user = URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), StandardCharsets.UTF_8);
        if (username == null) {
            username = user;
        }
        if (colon >= 0 && password == null && !askPassword) {
            password = URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8).toCharArray();
        }
    }

    private static boolean isWebSocketScheme(String scheme) {
        return "ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme);
    }

    /** mosquitto's spellings (5, 311, 31, mqttv5, ...) and the dotted ones. */
    static final class VersionConverter implements ITypeConverter<MqttVersion> {
        @Override
        public MqttVersion convert(String value) {
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "5", "5.0", "mqttv5" -> MqttVersion.V5;
                case "311", "3.1.1", "4", "mqttv311" -> MqttVersion.V3_1_1;
                case "31", "3.1", "3", "mqttv31" -> MqttVersion.V3_1;
                default -> throw new TypeConversionException("'" + value + "' is not an MQTT version: use 5, 311 or 31");
            };
        }
    }
}
