package dev.magpie;

import dev.magpie.security.ban.BanList;
import dev.magpie.spi.Ban;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The ban list of a running broker, changeable at any time from any thread.
 *
 * <pre>{@code
 * broker.bans().add(Ban.username("mallory").because("abuse report #42"));
 * broker.bans().add(Ban.address("2001:db8::/32").forDuration(Duration.ofHours(6)));
 * broker.bans().remove(Ban.Kind.USERNAME, "mallory");
 * }</pre>
 *
 * <p>A banned client is refused at CONNECT with 0x8A Banned (5.0) or 0x05 Not authorized (3.1.1); a banned
 * address is closed as soon as it connects, before a byte is read. Adding a ban also disconnects the clients it
 * matches that are already connected: a 5.0 client is told DISCONNECT 0x98 Administrative action (0x8A is not
 * a DISCONNECT reason code), a 3.x client's connection is closed. Bans from flapping detection appear here too.
 */
public final class Bans {
    private final BanList list;
    private final Consumer<Ban> disconnectMatching;

    Bans(BanList list, Consumer<Ban> disconnectMatching) {
        this.list = list;
        this.disconnectMatching = disconnectMatching;
    }

    /**
     * Adds (or replaces) a ban and disconnects the connected clients it matches.
     *
     * @throws IllegalArgumentException if an address ban is not an IP literal or CIDR block
     */
    public Ban add(Ban ban) {
        Ban added = list.add(Objects.requireNonNull(ban, "ban"));
        disconnectMatching.accept(added);
        return added;
    }

    /** Lifts a ban; returns whether there was one. */
    public boolean remove(Ban.Kind kind, String value) {
        return list.remove(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(value, "value"));
    }

    /** The bans in force now (expired ones are left out). */
    public List<Ban> list() {
        return list.active();
    }
}
