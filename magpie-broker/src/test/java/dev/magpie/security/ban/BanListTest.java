package dev.magpie.security.ban;

import dev.magpie.spi.Ban;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Matching and expiry of the ban list, on a clock the test moves. */
class BanListTest {

    /** A clock that stands still until told to move. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void clientIdsAndUsernamesMatchExactly() {
        BanList bans = new BanList();
        bans.add(Ban.clientId("dev-1"));
        bans.add(Ban.username("Mallory"));
        assertThat(bans.find("dev-1", null, null)).isPresent();
        assertThat(bans.find("dev-10", null, null)).isEmpty();
        assertThat(bans.find("x", "Mallory", null)).isPresent();
        assertThat(bans.find("x", "mallory", null)).as("case-sensitive, like MQTT identifiers").isEmpty();
    }

    @Test
    void addressesMatchAsSingleAddressesAndCidrBlocksInBothFamilies() throws Exception {
        BanList bans = new BanList();
        bans.add(Ban.address("192.0.2.7"));
        bans.add(Ban.address("198.51.100.0/24"));
        bans.add(Ban.address("2001:db8::1"));
        bans.add(Ban.address("2001:db8:1::/48"));
        assertThat(bans.findAddress(ip("192.0.2.7"))).isPresent();
        assertThat(bans.findAddress(ip("192.0.2.8"))).isEmpty();
        assertThat(bans.findAddress(ip("198.51.100.255"))).isPresent();
        assertThat(bans.findAddress(ip("198.51.101.0"))).isEmpty();
        assertThat(bans.findAddress(ip("::ffff:192.0.2.7"))).as("IPv4-mapped IPv6").isPresent();
        assertThat(bans.findAddress(ip("::ffff:198.51.100.9"))).as("IPv4-mapped IPv6 in a v4 block").isPresent();
        assertThat(bans.findAddress(ip("2001:db8:0:0:0:0:0:1"))).as("another spelling of 2001:db8::1").isPresent();
        assertThat(bans.findAddress(ip("2001:db8::2"))).isEmpty();
        assertThat(bans.findAddress(ip("2001:db8:1:ffff::9"))).isPresent();
        assertThat(bans.findAddress(ip("2001:db8:2::9"))).isEmpty();
        assertThat(bans.remove(Ban.Kind.ADDRESS, "2001:db8:0::1")).as("removal by any spelling").isTrue();
        assertThat(bans.findAddress(ip("2001:db8::1"))).isEmpty();
    }

    @Test
    void expiredBansStopMatchingAndLeaveTheList() {
        ManualClock clock = new ManualClock();
        BanList bans = new BanList(clock);
        bans.add(Ban.clientId("short").until(clock.instant().plusSeconds(60)));
        bans.add(Ban.clientId("long").until(clock.instant().plusSeconds(3600)));
        bans.add(Ban.address("10.0.0.0/8").until(clock.instant().plusSeconds(60)));
        bans.add(Ban.clientId("forever"));
        assertThat(bans.active()).extracting(Ban::value).containsExactly("forever", "long", "short", "10.0.0.0/8"); // permanent first, then by end, then by kind

        clock.advance(Duration.ofSeconds(60));
        assertThat(bans.find("short", null, null)).as("a ban ends at its instant").isEmpty();
        assertThat(bans.active()).extracting(Ban::value).containsExactly("forever", "long");
        bans.purgeExpired();
        clock.advance(Duration.ofHours(2));
        bans.purgeExpired();
        assertThat(bans.active()).extracting(Ban::value).containsExactly("forever");
    }

    @Test
    void flappingDetectorBansOnTheAttemptOverTheLimitWithinTheWindowOnly() {
        ManualClock clock = new ManualClock();
        BanList bans = new BanList(clock);
        FlappingDetector detector = new FlappingDetector(2, Duration.ofSeconds(10), Duration.ofMinutes(5), false, bans, clock);
        long t = 0;
        long second = 1_000_000_000L;
        assertThat(detector.connectAttempt("c", null, t)).isEmpty();
        assertThat(detector.connectAttempt("c", null, t + 6 * second)).isEmpty();
        // the first attempt has left the 10 s window: still only two within it
        assertThat(detector.connectAttempt("c", null, t + 11 * second)).isEmpty();
        assertThat(detector.connectAttempt("c", null, t + 12 * second)).isPresent();
        assertThat(bans.find("c", null, null)).get().satisfies(b -> assertThat(b.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5))));
        assertThat(detector.connectAttempt(null, null, t)).as("assigned ids are not counted").isEmpty();
        detector.purge(t + 60 * second);
    }
}
