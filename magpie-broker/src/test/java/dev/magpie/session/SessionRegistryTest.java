package dev.magpie.session;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Ownership of client ids and the per-user quotas the registry keeps (MQTT 5.0 section 5.4.2; issue 10). */
class SessionRegistryTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully();
    }

    private Session session(String clientId, String owner) {
        return new Session(clientId, owner, loop, null, 10, 10, 0, false);
    }

    @Test
    void aClaimOnAnotherOwnersIdChangesNothing() {
        SessionRegistry registry = new SessionRegistry();
        Session admin = session("id", "admin");
        assertThat(registry.claim(admin).refused()).isFalse();
        SessionRegistry.Claim bob = registry.claim(session("id", "bob"));
        assertThat(bob.refusal()).isEqualTo(SessionRegistry.Refusal.OWNED_BY_ANOTHER_USER);
        assertThat(registry.find("id")).containsSame(admin);
        assertThat(registry.claim(session("id", null)).refusal()).isEqualTo(SessionRegistry.Refusal.OWNED_BY_ANOTHER_USER);
        Session again = session("id", "admin");
        assertThat(registry.claim(again).replaced()).isSameAs(admin); // the owner may replace its own
    }

    @Test
    void sessionsPerUserAreBoundAndFreedWhenASessionEnds() {
        SessionRegistry registry = new SessionRegistry(2, 0);
        Session one = session("a", "bob");
        registry.claim(one);
        registry.claim(session("b", "bob"));
        assertThat(registry.claim(session("c", "bob")).refusal()).isEqualTo(SessionRegistry.Refusal.SESSIONS_PER_USER);
        assertThat(registry.find("c")).isEmpty();
        assertThat(registry.claim(session("a", "bob")).refused()).isFalse(); // replacing its own: no new session
        assertThat(registry.claim(session("c", "alice")).refused()).isFalse(); // other users are counted apart
        assertThat(registry.claim(session("d", null)).refused()).isFalse();    // anonymous is not bound per user
        registry.remove(registry.find("b").orElseThrow());
        assertThat(registry.sessionsOf("bob")).isEqualTo(1);
        assertThat(registry.claim(session("c2", "bob")).refused()).isFalse();
        assertThat(registry.remove(one)).isFalse(); // replaced already: not counted twice
        assertThat(registry.sessionsOf("bob")).isEqualTo(2);
    }

    @Test
    void subscriptionsOfAllOfAUsersSessionsCountTogether() {
        SessionRegistry registry = new SessionRegistry(0, 3);
        Session a = session("a", "bob");
        Session b = session("b", "bob");
        a.countSubscriptionsIn(registry);
        b.countSubscriptionsIn(registry);
        a.addSubscription(new SessionSubscription(dev.magpie.codec.Subscribe.Subscription.of("x", 1), 0));
        a.addSubscription(new SessionSubscription(dev.magpie.codec.Subscribe.Subscription.of("x", 2), 0)); // replaces: not counted
        b.addSubscription(new SessionSubscription(dev.magpie.codec.Subscribe.Subscription.of("y", 1), 0));
        assertThat(registry.maySubscribeOneMore("bob")).isTrue();
        b.addSubscription(new SessionSubscription(dev.magpie.codec.Subscribe.Subscription.of("z", 1), 0));
        assertThat(registry.subscriptionsOf("bob")).isEqualTo(3);
        assertThat(registry.maySubscribeOneMore("bob")).isFalse();
        assertThat(registry.maySubscribeOneMore(null)).isTrue();
        b.removeSubscription("y");
        assertThat(registry.maySubscribeOneMore("bob")).isTrue();
        b.end();
        a.end();
        assertThat(registry.subscriptionsOf("bob")).isZero();
    }
}
