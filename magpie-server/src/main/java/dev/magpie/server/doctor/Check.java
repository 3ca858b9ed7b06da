package dev.magpie.server.doctor;

/**
 * The checks {@code magpie doctor} runs, in the order a mini program meets them when it opens
 * {@code wxs://host/path}: the name, the port, the TCP connection, TLS (version, chain, name, dates), the
 * WebSocket upgrade with its subprotocol, and finally MQTT's CONNECT/CONNACK. Each has a short label for the
 * report.
 */
public enum Check {
    DNS_NAME("DNS name"),
    PORT("port"),
    CONNECT("TCP connect"),
    TLS_VERSION("TLS version"),
    CHAIN("certificate chain"),
    HOST_NAME("host name"),
    VALIDITY("validity"),
    WEBSOCKET("WebSocket upgrade"),
    SUBPROTOCOL("subprotocol"),
    MQTT("MQTT CONNECT");

    private final String label;

    Check(String label) {
        this.label = label;
    }

    /** The name shown in the report, e.g. "certificate chain". */
    public String label() {
        return label;
    }
}
