package dev.magpie.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.magpie.BrokerLimits;
import dev.magpie.security.AddressRange;
import dev.magpie.spi.Ban;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@code bans:} section: client ids, user names and addresses (IPv4/IPv6, single or CIDR) refused at
 * connect, permanently, and flapping detection, which bans for a while the clients that connect too often.
 * Bans added at run time (through the embedding API) are not written back here.
 *
 * @param clientIds  client identifiers, matched exactly
 * @param usernames  user names, matched exactly
 * @param addresses  IP literals or CIDR blocks ({@code 203.0.113.7}, {@code 198.51.100.0/24}, {@code 2001:db8::/32})
 * @param flapping   the {@code flapping:} subsection
 */
public record BansConfig(List<String> clientIds, List<String> usernames, List<String> addresses, FlappingConfig flapping) {

    /** No bans; flapping detection off. */
    public static final BansConfig DEFAULTS = new BansConfig(List.of(), List.of(), List.of(), FlappingConfig.DEFAULTS);

    public BansConfig {
        clientIds = List.copyOf(Objects.requireNonNull(clientIds, "clientIds"));
        usernames = List.copyOf(Objects.requireNonNull(usernames, "usernames"));
        addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
        Objects.requireNonNull(flapping, "flapping");
        toBans(clientIds, usernames, addresses); // validates the addresses now, with the key in the message
    }

    @JsonCreator
    static BansConfig fromYaml(@JsonProperty("client_ids") List<String> clientIds,
                               @JsonProperty("usernames") List<String> usernames,
                               @JsonProperty("addresses") List<String> addresses,
                               @JsonProperty("flapping") FlappingConfig flapping) {
        BansConfig d = DEFAULTS;
        return new BansConfig(clientIds != null ? clientIds : d.clientIds, usernames != null ? usernames : d.usernames,
                addresses != null ? addresses : d.addresses, flapping != null ? flapping : d.flapping);
    }

    /** The permanent bans this section lists. */
    public List<Ban> toBans() {
        return toBans(clientIds, usernames, addresses);
    }

    private static List<Ban> toBans(List<String> clientIds, List<String> usernames, List<String> addresses) {
        List<Ban> bans = new ArrayList<>();
        for (int i = 0; i < clientIds.size(); i++) {
            bans.add(entry("client_ids", i, clientIds.get(i), Ban::clientId));
        }
        for (int i = 0; i < usernames.size(); i++) {
            bans.add(entry("usernames", i, usernames.get(i), Ban::username));
        }
        for (int i = 0; i < addresses.size(); i++) {
            Ban ban = entry("addresses", i, addresses.get(i), Ban::address);
            try {
                AddressRange.parse(ban.value());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("addresses[" + i + "]: " + e.getMessage(), e);
            }
            bans.add(ban);
        }
        return bans;
    }

    private static Ban entry(String key, int index, String value, Function<String, Ban> make) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + "[" + index + "] is empty");
        }
        return make.apply(value);
    }

    /**
     * {@code bans.flapping}: more than {@code maxConnects} CONNECTs of one client id (and, with
     * {@code byAddress}, from one IP address) within {@code window} ban it for {@code banDuration}.
     */
    public record FlappingConfig(int maxConnects, Duration window, Duration banDuration, boolean byAddress) {

        public static final FlappingConfig DEFAULTS = of(BrokerLimits.Flapping.OFF);

        public FlappingConfig {
            try {
                new BrokerLimits.Flapping(maxConnects, window, banDuration, byAddress);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ConfigKeys.inYamlTerms(new IllegalArgumentException(e.getMessage(), e));
            }
        }

        static FlappingConfig of(BrokerLimits.Flapping f) {
            return new FlappingConfig(f.maxConnects(), f.window(), f.banDuration(), f.byAddress());
        }

        @JsonCreator
        static FlappingConfig fromYaml(@JsonProperty("max_connects") Integer maxConnects,
                                       @JsonProperty("window") Duration window,
                                       @JsonProperty("ban_duration") Duration banDuration,
                                       @JsonProperty("by_address") Boolean byAddress) {
            FlappingConfig d = DEFAULTS;
            return new FlappingConfig(maxConnects != null ? maxConnects : d.maxConnects, window != null ? window : d.window,
                    banDuration != null ? banDuration : d.banDuration, byAddress != null ? byAddress : d.byAddress);
        }

        public BrokerLimits.Flapping toFlapping() {
            return new BrokerLimits.Flapping(maxConnects, window, banDuration, byAddress);
        }
    }
}
