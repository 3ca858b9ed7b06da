package dev.magpie.protocol;

import dev.magpie.ClientIdPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may use a client id (MQTT 5.0 section 5.4.2), without a socket; {@code ClientIdOwnershipSpecTest} runs it on the wire. */
class ClientIdOwnershipTest {

    @Test
    void onlyTheOwnerMayUseASessionAndAnonymousIsAnOwnerOfItsOwn() {
        assertThat(ClientIdOwnership.mayUse("admin", "admin")).isTrue();
        assertThat(ClientIdOwnership.mayUse("admin", "bob")).isFalse();
        assertThat(ClientIdOwnership.mayUse("admin", null)).isFalse();
        assertThat(ClientIdOwnership.mayUse(null, "bob")).isFalse();
        assertThat(ClientIdOwnership.mayUse(null, null)).isTrue(); // anonymous clients cannot be told apart
    }

    @Test
    void withoutAPatternAnyIdFits() {
        ClientIdOwnership rule = new ClientIdOwnership(ClientIdPolicy.defaults());
        assertThat(rule.fitsPattern("anything", null)).isTrue();
        assertThat(rule.assign("bob")).startsWith("magpie-");
        assertThat(rule.onForeignSession()).isEqualTo(ClientIdPolicy.Ownership.REFUSE);
    }

    @Test
    void aPatternBindsIdsToTheUserName() {
        ClientIdOwnership rule = new ClientIdOwnership(ClientIdPolicy.defaults().withPattern("%u-*"));
        assertThat(rule.fitsPattern("bob-1", "bob")).isTrue();
        assertThat(rule.fitsPattern("bob-", "bob")).isTrue();
        assertThat(rule.fitsPattern("bob", "bob")).isFalse();
        assertThat(rule.fitsPattern("admin-1", "bob")).isFalse();
        assertThat(rule.fitsPattern("bob-1", null)).isFalse(); // no user name, no %u
        assertThat(rule.fitsPattern("xbob-1", "bob")).isFalse(); // anchored at the start
    }

    @Test
    void userNamesAreLiteralInPatternsNotRegularExpressions() {
        ClientIdOwnership rule = new ClientIdOwnership(ClientIdPolicy.defaults().withPattern("%u/*"));
        assertThat(rule.fitsPattern("a.c/1", "a.c")).isTrue();
        assertThat(rule.fitsPattern("abc/1", "a.c")).isFalse();
        assertThat(rule.fitsPattern("x*/1", "x*")).isTrue();
        assertThat(rule.fitsPattern("xyz/1", "x*")).isFalse();
    }

    @Test
    void anAssignedIdFitsThePattern() {
        ClientIdOwnership rule = new ClientIdOwnership(ClientIdPolicy.defaults().withPattern("dev-%u-*-*"));
        String id = rule.assign("bob");
        assertThat(id).startsWith("dev-bob-magpie").endsWith("-");
        assertThat(rule.fitsPattern(id, "bob")).isTrue();
        assertThat(rule.assign("bob")).isNotEqualTo(id);
        assertThat(new ClientIdOwnership(ClientIdPolicy.defaults().withPattern("%u")).assign("bob")).isEqualTo("bob");
    }

    @Test
    void theGateRefusesAnotherUsersSessionOrAssignsAnIdOfItsOwn() {
        io.netty.channel.DefaultEventLoop loop = new io.netty.channel.DefaultEventLoop();
        try {
            dev.magpie.session.SessionRegistry sessions = new dev.magpie.session.SessionRegistry();
            dev.magpie.session.Session admin = new dev.magpie.session.Session("console", "admin", loop, null, 10, 10, 0, false);
            sessions.claim(admin);
            dev.magpie.spi.ClientInfo bob = new dev.magpie.spi.ClientInfo("console", "bob", null, 5, "tcp");
            ClientIdGate.Verdict refused = ClientIdGate.decide(new ClientIdOwnership(ClientIdPolicy.defaults()), sessions, bob, false);
            assertThat(refused.refusal()).isEqualTo(dev.magpie.codec.ReasonCode.NOT_AUTHORIZED);
            assertThat(refused.reason()).doesNotContain("admin"); // whose session it is stays private
            ClientIdGate.Verdict assigned = ClientIdGate.decide(new ClientIdOwnership(ClientIdPolicy.defaults()
                    .withOwnership(ClientIdPolicy.Ownership.ASSIGN_NEW_ID)), sessions, bob, false);
            assertThat(assigned.refused()).isFalse();
            assertThat(assigned.info().clientId()).isNotEqualTo("console");
            assertThat(assigned.transientSession()).isTrue();
            assertThat(assigned.existing()).isNull();
            ClientIdGate.Verdict owner = ClientIdGate.decide(new ClientIdOwnership(ClientIdPolicy.defaults()), sessions,
                    new dev.magpie.spi.ClientInfo("console", "admin", null, 5, "tcp"), false);
            assertThat(owner.existing()).isSameAs(admin);
        } finally {
            loop.shutdownGracefully();
        }
    }

    @Test
    void controlCharactersInIdsAndNamesAreRefusedWithTheirOwnCodes() {
        assertThat(ClientIdGate.unsafeName("a\nb", null).refusal()).isEqualTo(dev.magpie.codec.ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        assertThat(ClientIdGate.unsafeName("ok", "\u001b[31m").refusal()).isEqualTo(dev.magpie.codec.ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(ClientIdGate.unsafeName("ok", "bob")).isNull();
        assertThat(ClientIdGate.unsafeName("ok", null)).isNull();
    }
}
