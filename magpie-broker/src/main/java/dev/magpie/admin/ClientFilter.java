package dev.magpie.admin;

import java.util.Objects;

/**
 * What {@link BrokerAdmin#clients} lists, e.g. {@code ClientFilter.all().connected().user("alice")}.
 *
 * @param state            connected, disconnected or all sessions
 * @param username         only sessions of this user (exact), or null for any
 * @param address          only clients whose address (IP text, e.g. {@code 127.0.0.1}) contains this, or null
 * @param clientIdContains only client ids containing this, or null
 */
public record ClientFilter(ClientState state, String username, String address, String clientIdContains) {
    public ClientFilter {
        Objects.requireNonNull(state, "state");
    }

    /** Every session, connected or not. */
    public static ClientFilter all() {
        return new ClientFilter(ClientState.ALL, null, null, null);
    }

    public ClientFilter connected() {
        return withState(ClientState.CONNECTED);
    }

    public ClientFilter disconnected() {
        return withState(ClientState.DISCONNECTED);
    }

    public ClientFilter withState(ClientState newState) {
        return new ClientFilter(newState, username, address, clientIdContains);
    }

    public ClientFilter user(String name) {
        return new ClientFilter(state, name, address, clientIdContains);
    }

    public ClientFilter address(String text) {
        return new ClientFilter(state, username, text, clientIdContains);
    }

    public ClientFilter clientIdContaining(String text) {
        return new ClientFilter(state, username, address, text);
    }

    boolean accepts(ClientSummary c) {
        if (state == ClientState.CONNECTED && !c.connected() || state == ClientState.DISCONNECTED && c.connected()) {
            return false;
        }
        if (username != null && !username.isEmpty() && !username.equals(c.username())) {
            return false;
        }
        if (address != null && !address.isEmpty() && (c.address() == null || !c.address().contains(address))) {
            return false;
        }
        return clientIdContains == null || clientIdContains.isEmpty() || c.clientId().contains(clientIdContains);
    }
}
