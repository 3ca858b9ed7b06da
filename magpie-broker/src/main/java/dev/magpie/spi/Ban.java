package dev.magpie.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the broker's ban list: a client id, a user name or an IP address / CIDR block that may not
 * connect, until {@code until} ({@link #FOREVER} for a permanent ban).
 *
 * <pre>{@code
 * broker.bans().add(Ban.clientId("sensor-17").forDuration(Duration.ofHours(1)).because("firmware bug floods"));
 * broker.bans().add(Ban.address("203.0.113.0/24"));
 * }</pre>
 *
 * @param kind   what {@code value} is matched against
 * @param value  the client id or user name (exact, case-sensitive), or an IPv4/IPv6 address or CIDR block
 * @param until  when the ban ends
 * @param reason why, for logs and listings ({@code ""} if none was given)
 */
public record Ban(Kind kind, String value, Instant until, String reason) {

    /** The end of a permanent ban. */
    public static final Instant FOREVER = Instant.MAX;

    /** What a ban matches. */
    public enum Kind {
        /** The MQTT client identifier, exactly. */
        CLIENT_ID,
        /** The user name, exactly (as presented, and as the authenticators finally named the client). */
        USERNAME,
        /** The client's IP address (the one a trusted proxy reported, if any), by address or CIDR block. */
        ADDRESS
    }

    public Ban {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(reason, "reason");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a ban needs a value: the client id, user name or address to ban");
        }
    }

    /** A permanent ban of a client id. */
    public static Ban clientId(String clientId) {
        return new Ban(Kind.CLIENT_ID, clientId, FOREVER, "");
    }

    /** A permanent ban of a user name. */
    public static Ban username(String username) {
        return new Ban(Kind.USERNAME, username, FOREVER, "");
    }

    /** A permanent ban of an IP address or CIDR block ({@code 192.0.2.7}, {@code 2001:db8::/32}); literals only. */
    public static Ban address(String addressOrCidr) {
        return new Ban(Kind.ADDRESS, addressOrCidr.strip(), FOREVER, "");
    }

    /** This ban, ending {@code duration} from now. */
    public Ban forDuration(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a ban's duration must be positive, was " + duration);
        }
        return new Ban(kind, value, Instant.now().plus(duration), reason);
    }

    /** This ban, ending at {@code end}. */
    public Ban until(Instant end) {
        return new Ban(kind, value, end, reason);
    }

    /** This ban with a reason for logs and listings. */
    public Ban because(String why) {
        return new Ban(kind, value, until, why);
    }

    public boolean isPermanent() {
        return until.equals(FOREVER);
    }

    /** Whether the ban is over at {@code now}. */
    public boolean isExpired(Instant now) {
        return !isPermanent() && !now.isBefore(until);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase().replace('_', ' ') + " " + value + (isPermanent() ? "" : " until " + until)
                + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
