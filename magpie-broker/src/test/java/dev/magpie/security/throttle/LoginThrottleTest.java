package dev.magpie.security.throttle;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed-login throttling (issue 10, OWASP Authentication Cheat Sheet: exponential delays per source and account). */
class LoginThrottleTest {
    private static final long S = 1_000_000_000L;
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(10), 100);
    private final Object attacker = AddressKey.of(address("127.0.0.2"));
    private final Object user = AddressKey.of(address("127.0.0.1"));

    @Test
    void freeFailuresThenABackoffThatDoublesUpToTheCap() {
        long now = 0;
        for (int i = 0; i < 2; i++) {
            throttle.failed(attacker, "alice", now);
            assertThat(throttle.refusal(attacker, "alice", now)).as("failure %d is free", i + 1).isEmpty();
        }
        long[] expected = {1, 2, 4, 8, 8};
        for (long seconds : expected) {
            throttle.failed(attacker, "alice", now);
            assertThat(throttle.refusal(attacker, "alice", now)).hasValue(Duration.ofSeconds(seconds));
            assertThat(throttle.refusal(attacker, "alice", now + seconds * S - 1)).isPresent();
            now += seconds * S;
            assertThat(throttle.refusal(attacker, "alice", now)).as("backoff of %d s over", seconds).isEmpty();
        }
    }

    @Test
    void refusedAttemptsDoNotExtendTheBackoff() {
        for (int i = 0; i < 3; i++) {
            throttle.failed(attacker, "alice", 0);
        }
        for (long t = 0; t < S; t += S / 10) {
            assertThat(throttle.refusal(attacker, "alice", t)).isPresent(); // a client hammering in its backoff
        }
        assertThat(throttle.refusal(attacker, "alice", S)).isEmpty();
    }

    @Test
    void theAddressIsThrottledWhateverNameItTriesNext() {
        for (int i = 0; i < 3; i++) {
            throttle.failed(attacker, "guess" + i, 0);
        }
        assertThat(throttle.refusal(attacker, "someone-else", 0)).isPresent();
        assertThat(throttle.refusal(attacker, null, 0)).isPresent();
    }

    @Test
    void aNameUnderAttackStillLetsACleanAddressBeChecked() {
        // many failing addresses for "alice": the name is in backoff...
        for (int i = 0; i < 3; i++) {
            throttle.failed(AddressKey.of(address("10.0.0." + (i + 1))), "alice", 0);
        }
        Object otherFailingAddress = AddressKey.of(address("10.0.0.1"));
        assertThat(throttle.refusal(otherFailingAddress, "alice", 0)).as("an address with failures waits for the name").isPresent();
        // ...but alice from her own, clean address is checked: an attacker cannot lock her out
        assertThat(throttle.refusal(user, "alice", 0)).isEmpty();
    }

    @Test
    void aTrustedPairGetsInThroughItsSharedAddressInBackoff() {
        throttle.succeeded(user, "alice", 0);
        for (int i = 0; i < 3; i++) {
            throttle.failed(user, "bob", 0); // another device behind the same NAT keeps failing
        }
        assertThat(throttle.refusal(user, "bob", 0)).isPresent();
        assertThat(throttle.refusal(user, "alice", 0)).as("alice logged in from here before").isEmpty();
        // and a guesser behind that NAT gets no more than the free failures out of alice's trust
        for (int i = 0; i < 3; i++) {
            throttle.failed(user, "alice", 0);
        }
        assertThat(throttle.refusal(user, "alice", 0)).isPresent();
    }

    @Test
    void successForgivesTheNameButNotTheAddress() {
        for (int i = 0; i < 3; i++) {
            throttle.failed(attacker, "alice", 0);
        }
        throttle.succeeded(attacker, "mallory", 0); // the attacker's own account cannot reset his counter
        assertThat(throttle.refusal(attacker, "alice", 0)).isPresent();
        throttle.succeeded(user, "alice", 0);
        assertThat(throttle.refusal(AddressKey.of(address("10.9.9.9")), "alice", 0)).isEmpty();
    }

    @Test
    void failuresAreForgottenAfterAWhile() {
        for (int i = 0; i < 10; i++) {
            throttle.failed(attacker, "alice", 0);
        }
        long later = Duration.ofMinutes(10).toNanos() + 1;
        assertThat(throttle.refusal(attacker, "alice", later)).isEmpty();
        throttle.purge(later);
        assertThat(throttle.tracked()).isZero();
    }

    @Test
    void aFloodOfMadeUpNamesAndAddressesStaysWithinTheCap() {
        for (int i = 0; i < 100_000; i++) {
            throttle.failed(AddressKey.of(address("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255))), "name-" + i, 0);
        }
        assertThat(throttle.tracked()).isLessThanOrEqualTo(2 * 100 + 100);
    }

    @Test
    void ipv6AddressesCountByTheirSlash64() {
        assertThat(AddressKey.of(address("2001:db8:1:2::1"))).isEqualTo(AddressKey.of(address("2001:db8:1:2:ffff::9")));
        assertThat(AddressKey.of(address("2001:db8:1:2::1"))).isNotEqualTo(AddressKey.of(address("2001:db8:1:3::1")));
    }

    @Test
    void zeroFreeFailuresTurnsThrottlingOff() {
        LoginThrottle off = new LoginThrottle(0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), 10);
        for (int i = 0; i < 50; i++) {
            off.failed(attacker, "alice", 0);
        }
        assertThat(off.refusal(attacker, "alice", 0)).isEmpty();
        assertThat(off.tracked()).isZero();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
