package dev.magpie.server.doctor;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What to check, parsed from a URL such as {@code wxs://mqtt.example.com/mqtt}: scheme, host, port (the
 * scheme's default when absent) and the HTTP path (with query) a WebSocket client requests.
 *
 * @param host a DNS name or an IP literal; an IPv6 literal without brackets
 * @param path starts with "/"; "/" when the URL has none, as MQTT.js and {@code wx.connectSocket} do
 */
public record Target(Scheme scheme, String host, int port, String path) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * Parses {@code url}.
     *
     * @throws IllegalArgumentException with a message that says what a valid URL looks like
     */
    public static Target parse(String url) {
        String schemes = Arrays.stream(Scheme.values()).map(Scheme::text).collect(Collectors.joining(", "));
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL (" + e.getReason()
                    + "); write it as wxs://your.domain/mqtt");
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("'" + url + "' has no scheme and host; write it as wxs://your.domain/mqtt");
        }
        Scheme scheme;
        try {
            scheme = Scheme.valueOf(uri.getScheme().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scheme '" + uri.getScheme() + "' in '" + url + "'; use one of "
                    + schemes);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + uri.getRawAuthority() + "' in '" + url
                    + "' is not a valid host name (letters, digits, hyphens and dots)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("give the user name and password with --username and --password, not in"
                    + " the URL");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? scheme.defaultPort() : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " in '" + url + "' is not 1..65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        return new Target(scheme, host.toLowerCase(Locale.ROOT), port, path);
    }

    /** True when the host is an IPv4 or IPv6 address rather than a name. */
    public boolean hostIsIpLiteral() {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    /** The host as it goes into a URL or a Host header: IPv6 in brackets. */
    String hostForUrl() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** The Host header: the port only when it is not the scheme's default, as browsers and wx send it. */
    String hostHeader() {
        return port == scheme.defaultPort() ? hostForUrl() : hostForUrl() + ":" + port;
    }

    /** The URL with every part spelled out, e.g. {@code wxs://localhost:8443/mqtt}. */
    @Override
    public String toString() {
        return scheme.text() + "://" + hostForUrl() + ":" + port + (scheme.webSocket() ? path : "");
    }
}
