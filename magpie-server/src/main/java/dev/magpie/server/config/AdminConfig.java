package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code admin:} section: the REST API under {@code /api/v1} (see docs/api.md), answered on the broker's ws and
 * wss listeners. Off by default ({@code serve --dev} turns it on for its HTTPS listener). Only users of the built-in
 * database marked admin and API keys get in, and a listener without TLS answers only when bound to loopback.
 *
 * @param enabled   whether the API is served
 * @param listeners names of the ws/wss listeners that serve it; empty: every ws and wss listener
 * @param tokenTtl  how long a login token ({@code POST /api/v1/login}) stays valid
 * @param dashboard whether the web dashboard is served at {@code /dashboard/} wherever the API is
 */
public record AdminConfig(boolean enabled, List<String> listeners, Duration tokenTtl, boolean dashboard) {

    /** Off; every ws/wss listener once on; tokens valid for one hour; the dashboard with the API. */
    public static final AdminConfig DEFAULTS = new AdminConfig(false, List.of(), Duration.ofHours(1), true);

    /** With the dashboard served wherever the API is. */
    public AdminConfig(boolean enabled, List<String> listeners, Duration tokenTtl) {
        this(enabled, listeners, tokenTtl, true);
    }

    public AdminConfig {
        listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        if (tokenTtl.compareTo(Duration.ofMinutes(1)) < 0 || tokenTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("token_ttl must be between 1m and 7d, was " + DurationFormat.format(tokenTtl));
        }
    }

    @JsonCreator
    static AdminConfig fromYaml(@JsonProperty("enabled") Boolean enabled, @JsonProperty("listeners") List<String> listeners,
                                @JsonProperty("token_ttl") Duration tokenTtl, @JsonProperty("dashboard") Boolean dashboard) {
        AdminConfig d = DEFAULTS;
        return new AdminConfig(enabled != null ? enabled : d.enabled, listeners != null ? listeners : d.listeners,
                tokenTtl != null ? tokenTtl : d.tokenTtl, dashboard != null ? dashboard : d.dashboard);
    }

    public AdminConfig withEnabled(boolean on) {
        return new AdminConfig(on, listeners, tokenTtl, dashboard);
    }

    /** Whether the listener named {@code name} serves the API (given that it is a ws or wss listener). */
    public boolean servesOn(String name) {
        return enabled && (listeners.isEmpty() || listeners.contains(name));
    }
}
