package dev.magpie.server.doctor;

import java.util.Locale;

/**
 * The kinds of URL {@code magpie doctor} checks. {@code wxs} is MQTT.js's name for a mini program's secure
 * WebSocket and means exactly {@code wss}; the others are accepted for convenience and run the checks that
 * apply to them (no TLS checks for {@code ws}/{@code mqtt}, no WebSocket checks for {@code mqtt}/{@code mqtts}).
 */
public enum Scheme {
    WXS(true, true, 443),
    WSS(true, true, 443),
    WS(false, true, 80),
    MQTTS(true, false, 8883),
    MQTT(false, false, 1883);

    private final boolean tls;
    private final boolean webSocket;
    private final int defaultPort;

    Scheme(boolean tls, boolean webSocket, int defaultPort) {
        this.tls = tls;
        this.webSocket = webSocket;
        this.defaultPort = defaultPort;
    }

    public boolean tls() {
        return tls;
    }

    public boolean webSocket() {
        return webSocket;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** What a mini program uses: secure WebSocket. */
    public boolean miniProgram() {
        return tls && webSocket;
    }

    /** As written in a URL: "wxs", "mqtts", ... */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
