package dev.magpie.admin;

import java.util.List;

/**
 * One bound listener.
 *
 * @param name           its name
 * @param type           tcp, tls, ws or wss
 * @param bind           the address it is bound to
 * @param port           the port it is bound to
 * @param tls            whether it speaks TLS
 * @param websocketPaths the MQTT-over-WebSocket paths (ws/wss), empty otherwise
 * @param allowAnonymous whether clients without credentials get in
 */
public record ListenerInfo(String name, String type, String bind, int port, boolean tls, List<String> websocketPaths, boolean allowAnonymous) {
    public ListenerInfo {
        websocketPaths = List.copyOf(websocketPaths);
    }
}
