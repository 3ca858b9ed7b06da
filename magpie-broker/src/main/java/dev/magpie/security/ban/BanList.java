package dev.magpie.security.ban;

import dev.magpie.security.AddressRange;
import dev.magpie.spi.Ban;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's bans. Lookups happen for every new connection on any event loop, changes come from the
 * embedding application or the flapping detector on other threads, so everything sits in concurrent maps and
 * no lock is taken. Client ids and user names are matched exactly; single addresses are looked up by their
 * bytes (a flapping detector that bans by address may add many), CIDR blocks are scanned (an operator writes
 * few). An expired ban is dropped when it is next looked at, and by {@link #purgeExpired()}.
 */
public final class BanList {
    private final Clock clock;
    private final Map<String, Ban> clientIds = new ConcurrentHashMap<>();
    private final Map<String, Ban> usernames = new ConcurrentHashMap<>();
    private final Map<String, Ban> singleAddresses = new ConcurrentHashMap<>();
    private final Map<String, RangeBan> ranges = new ConcurrentHashMap<>();

    private record RangeBan(Ban ban, AddressRange range) {
    }

    public BanList(Clock clock) {
        this.clock = clock;
    }

    public BanList() {
        this(Clock.systemUTC());
    }

    /**
     * Adds {@code ban}, replacing a ban of the same kind and value.
     *
     * @throws IllegalArgumentException if an address ban is not an IPv4/IPv6 literal or CIDR block
     */
    public Ban add(Ban ban) {
        switch (ban.kind()) {
            case CLIENT_ID -> clientIds.put(ban.value(), ban);
            case USERNAME -> usernames.put(ban.value(), ban);
            case ADDRESS -> {
                AddressRange range = parse(ban.value());
                if (range.isSingleAddress()) {
                    singleAddresses.put(range.key(), ban);
                } else {
                    ranges.put(range.toString(), new RangeBan(ban, range));
                }
            }
        }
        return ban;
    }

    /** Lifts the ban of {@code kind} on {@code value}; returns whether there was one. */
    public boolean remove(Ban.Kind kind, String value) {
        return switch (kind) {
            case CLIENT_ID -> clientIds.remove(value) != null;
            case USERNAME -> usernames.remove(value) != null;
            case ADDRESS -> {
                AddressRange range = parse(value);
                yield range.isSingleAddress() ? singleAddresses.remove(range.key()) != null : ranges.remove(range.toString()) != null;
            }
        };
    }

    private static AddressRange parse(String value) {
        try {
            return AddressRange.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address ban: " + e.getMessage(), e);
        }
    }

    /** The bans in force, permanent ones first, then by end. */
    public List<Ban> active() {
        Instant now = clock.instant();
        List<Ban> all = new ArrayList<>();
        all.addAll(clientIds.values());
        all.addAll(usernames.values());
        all.addAll(singleAddresses.values());
        ranges.values().forEach(r -> all.add(r.ban()));
        all.removeIf(b -> b.isExpired(now));
        all.sort(Comparator.comparing((Ban b) -> b.until(), Comparator.reverseOrder()).thenComparing(Ban::kind).thenComparing(Ban::value));
        return all;
    }

    /** The ban that applies to a client, if any; {@code username} and {@code address} may be null (unknown). */
    public Optional<Ban> find(String clientId, String username, InetAddress address) {
        Instant now = clock.instant();
        Ban found = clientId == null ? null : live(clientIds, clientId, now);
        if (found == null && username != null) {
            found = live(usernames, username, now);
        }
        if (found == null && address != null) {
            return findAddress(address, now);
        }
        return Optional.ofNullable(found);
    }

    /** The ban on {@code address} (as a single address or inside a CIDR block), if any. */
    public Optional<Ban> findAddress(InetAddress address) {
        return findAddress(address, clock.instant());
    }

    private Optional<Ban> findAddress(InetAddress address, Instant now) {
        if (!singleAddresses.isEmpty()) {
            Ban single = live(singleAddresses, AddressRange.key(address), now);
            if (single != null) {
                return Optional.of(single);
            }
        }
        for (RangeBan r : ranges.values()) {
            if (r.range().contains(address)) {
                if (!r.ban().isExpired(now)) {
                    return Optional.of(r.ban());
                }
                ranges.remove(r.range().toString(), r);
            }
        }
        return Optional.empty();
    }

    private static Ban live(Map<String, Ban> map, String key, Instant now) {
        Ban ban = map.get(key);
        if (ban != null && ban.isExpired(now)) {
            map.remove(key, ban);
            return null;
        }
        return ban;
    }

    /** Forgets expired bans (run periodically so that bans nobody looks up again do not pile up). */
    public void purgeExpired() {
        Instant now = clock.instant();
        clientIds.values().removeIf(b -> b.isExpired(now));
        usernames.values().removeIf(b -> b.isExpired(now));
        singleAddresses.values().removeIf(b -> b.isExpired(now));
        ranges.values().removeIf(r -> r.ban().isExpired(now));
    }
}
