package dev.magpie.security.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AclAuthorizerTest {

    static ClientInfo client(String username, String clientId) {
        return new ClientInfo(clientId, username, null, 5, "test");
    }

    /** The seed blog post's policy: everyone /public/#, each user /users/<name>/#. */
    @Nested
    class SeedPolicy {
        final AclAuthorizer acl = AclAuthorizer.builder()
                .rule(AclRule.topic(Access.READWRITE, "/public/#"))
                .rule(AclRule.pattern(Access.READWRITE, "/users/%u/#"))
                .build();
        final ClientInfo test = client("test", "phone-1");

        @Test
        void aUserMayPublishInTheirOwnTreeOnly() {
            assertThat(acl.authorizePublish(test, "/users/test/x", 1, false)).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizePublish(test, "/users/other/x", 1, false)).isEqualTo(Decision.DENY);
        }

        @Test
        void aUserMayNotSubscribeAcrossOtherUsersOrToEverything() {
            assertThat(acl.authorizeSubscribe(test, "/users/+/x", 0)).isEqualTo(Decision.DENY);
            assertThat(acl.authorizeSubscribe(test, "#", 0)).isEqualTo(Decision.DENY);
            assertThat(acl.authorizeSubscribe(test, "/users/test/#", 0)).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizeSubscribe(test, "/users/test/+/deep", 0)).isEqualTo(Decision.ALLOW);
        }

        @Test
        void everyoneSharesPublic() {
            ClientInfo anonymous = client(null, "anon");
            assertThat(acl.authorizePublish(anonymous, "/public/chat", 0, false)).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizeSubscribe(anonymous, "/public/#", 0)).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizeDelivery(test, Message.of("/public/chat", "hi", 0, false))).isEqualTo(Decision.ALLOW);
        }

        @Test
        void deliveryNeedsReadAccessToTheMessagesTopic() {
            assertThat(acl.authorizeDelivery(test, Message.of("/users/test/inbox", "x", 0, false))).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizeDelivery(test, Message.of("/users/other/inbox", "x", 0, false))).isEqualTo(Decision.DENY);
        }

        @Test
        void explainNamesTheDecidingRuleOrTheDefault() {
            Explanation allowed = acl.explain("test", "phone-1", "/users/test/x", Action.PUBLISH);
            assertThat(allowed.decision()).isEqualTo(Decision.ALLOW);
            assertThat(allowed.rule()).contains(acl.rules().get(1));
            assertThat(allowed.reason()).isEqualTo("rule 2: pattern readwrite /users/%u/#");

            Explanation denied = acl.explain("test", "phone-1", "/users/other/x", Action.PUBLISH);
            assertThat(denied.decision()).isEqualTo(Decision.DENY);
            assertThat(denied.rule()).isEmpty();
            assertThat(denied.reason()).startsWith("default policy (deny)");
        }
    }

    @Test
    void denyWinsOverAnyAllowWhereverItStands() {
        AclAuthorizer acl = AclAuthorizer.of(List.of(
                AclRule.topic(Access.READWRITE, "sensors/#").from("acl:1"),
                AclRule.topic(Access.DENY, "sensors/secret").forUser("bob").from("acl:9")));
        ClientInfo bob = client("bob", "b");
        Explanation e = acl.explain(bob, "sensors/secret", Action.PUBLISH);
        assertThat(e.decision()).isEqualTo(Decision.DENY);
        assertThat(e.reason()).isEqualTo("acl:9: topic deny sensors/secret (user bob)");
        assertThat(acl.authorizePublish(bob, "sensors/open", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizePublish(client("alice", "a"), "sensors/secret", 0, false)).isEqualTo(Decision.ALLOW);
    }

    @Test
    void aDenyThatOnlyOverlapsASubscriptionIsEnforcedAtDelivery() {
        AclAuthorizer acl = AclAuthorizer.of(List.of(
                AclRule.topic(Access.READ, "sensors/#"),
                AclRule.topic(Access.DENY, "sensors/secret")));
        ClientInfo c = client("u", "c");
        assertThat(acl.authorizeSubscribe(c, "sensors/#", 0)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizeSubscribe(c, "sensors/secret", 0)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeDelivery(c, Message.of("sensors/secret", "x", 0, false))).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeDelivery(c, Message.of("sensors/temp", "x", 0, false))).isEqualTo(Decision.ALLOW);
    }

    @Test
    void readAndWriteAreSeparateGrants() {
        AclAuthorizer acl = AclAuthorizer.of(List.of(
                AclRule.topic(Access.READ, "in/#"), AclRule.topic(Access.WRITE, "out/#")));
        ClientInfo c = client("u", "c");
        assertThat(acl.authorizePublish(c, "in/x", 0, false)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeSubscribe(c, "in/x", 0)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizePublish(c, "out/x", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizeSubscribe(c, "out/x", 0)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeDelivery(c, Message.of("out/x", "", 0, false))).isEqualTo(Decision.DENY);
    }

    @Test
    void theDefaultPolicyIsDenyUnlessConfigured() {
        ClientInfo c = client("u", "c");
        assertThat(AclAuthorizer.of(List.of()).authorizePublish(c, "a", 0, false)).isEqualTo(Decision.DENY);
        assertThat(AclAuthorizer.builder().defaultDecision(Decision.ALLOW).build().authorizePublish(c, "a", 0, false))
                .isEqualTo(Decision.ALLOW);
        assertThat(AclAuthorizer.builder().defaultDecision(Decision.NEXT).build().authorizeSubscribe(c, "a", 0))
                .isEqualTo(Decision.NEXT);
    }

    @Test
    void aHashRuleDoesNotGrantSysTopics() {
        // [MQTT-4.7.2-1]: only rules starting with '$' reach '$' topics
        AclAuthorizer acl = AclAuthorizer.of(List.of(AclRule.topic(Access.READWRITE, "#"),
                AclRule.topic(Access.READ, "$SYS/broker/#").forUser("admin")));
        ClientInfo user = client("u", "c");
        assertThat(acl.authorizeSubscribe(user, "$SYS/#", 0)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeDelivery(user, Message.of("$SYS/broker/uptime", "1", 0, false))).isEqualTo(Decision.DENY);
        assertThat(acl.authorizePublish(user, "$SYS/broker/uptime", 0, false)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizePublish(user, "anything/else", 0, false)).isEqualTo(Decision.ALLOW);
        ClientInfo admin = client("admin", "c");
        assertThat(acl.authorizeSubscribe(admin, "$SYS/broker/#", 0)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizeSubscribe(admin, "$SYS/#", 0)).isEqualTo(Decision.DENY);
    }

    @Test
    void userAndAnonymousScopes() {
        AclAuthorizer acl = AclAuthorizer.of(List.of(
                AclRule.topic(Access.READWRITE, "guests/#").forAnonymous(),
                AclRule.topic(Access.READWRITE, "staff/#").forUser("ann")));
        assertThat(acl.authorizePublish(client(null, "x"), "guests/a", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizePublish(client("ann", "x"), "guests/a", 0, false)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizePublish(client("ann", "x"), "staff/a", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizePublish(client("bob", "x"), "staff/a", 0, false)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizePublish(client(null, "x"), "staff/a", 0, false)).isEqualTo(Decision.DENY);
    }

    @Test
    void clientIdPatterns() {
        AclAuthorizer acl = AclAuthorizer.of(List.of(AclRule.pattern(Access.WRITE, "devices/%c/state")));
        assertThat(acl.authorizePublish(client(null, "dev42"), "devices/dev42/state", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizePublish(client(null, "dev42"), "devices/dev43/state", 0, false)).isEqualTo(Decision.DENY);
    }

    @Test
    void sharedSubscriptionsAreAuthorizedByTheirFilter() {
        AclAuthorizer acl = AclAuthorizer.of(List.of(AclRule.topic(Access.READ, "jobs/#")));
        ClientInfo c = client("w", "w1");
        assertThat(acl.authorizeSubscribe(c, "$share/workers/jobs/#", 1)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizeSubscribe(c, "$share/workers/other/#", 1)).isEqualTo(Decision.DENY);
    }

    @Test
    void theBrokersOwnMessagesAreAllowed() {
        assertThat(AclAuthorizer.of(List.of()).authorizePublish(ClientInfo.SERVER, "$SYS/x", 0, false)).isEqualTo(Decision.ALLOW);
    }

    /** Literal rules: about the subscription filter's text, not about the topics it reaches. */
    @Nested
    class LiteralRules {
        @Test
        void aLiteralReadGrantsExactlyThatSubscriptionAndDeliveryStaysChecked() {
            AclAuthorizer acl = AclAuthorizer.of(List.of(
                    AclRule.topic(Access.READ, "#").forUser("monitor").asLiteral(),
                    AclRule.topic(Access.READ, "metrics/#").forUser("monitor")));
            ClientInfo monitor = client("monitor", "m");
            assertThat(acl.authorizeSubscribe(monitor, "#", 0)).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizeSubscribe(monitor, "other/#", 0)).isEqualTo(Decision.DENY);
            assertThat(acl.authorizeDelivery(monitor, Message.of("metrics/cpu", "1", 0, false))).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizeDelivery(monitor, Message.of("private/x", "1", 0, false))).isEqualTo(Decision.DENY);
            assertThat(acl.authorizePublish(monitor, "x", 0, false)).isEqualTo(Decision.DENY);
        }

        @Test
        void aLiteralDenyRefusesOneFilterAndLeavesNarrowerOnes() {
            AclAuthorizer acl = AclAuthorizer.of(List.of(
                    AclRule.topic(Access.READ, "#"),
                    AclRule.topic(Access.DENY, "#").asLiteral().from("acl:2")));
            ClientInfo c = client("u", "c");
            Explanation e = acl.explain(c, "#", Action.SUBSCRIBE);
            assertThat(e.decision()).isEqualTo(Decision.DENY);
            assertThat(e.reason()).isEqualTo("acl:2: topic literal deny #");
            assertThat(acl.authorizeSubscribe(c, "a/#", 0)).isEqualTo(Decision.ALLOW);
            assertThat(acl.authorizeSubscribe(c, "+/#", 0)).isEqualTo(Decision.ALLOW); // a different text
            assertThat(acl.authorizeDelivery(c, Message.of("a", "", 0, false))).isEqualTo(Decision.ALLOW);
        }

        @Test
        void aLiteralRuleCannotGrantWrite() {
            assertThatThrownBy(() -> AclRule.topic(Access.WRITE, "a/#").asLiteral())
                    .isInstanceOf(InvalidRuleException.class).hasMessageContaining("literal");
        }
    }

    /**
     * CVE-2017-7650: a pattern ACL substituted a client id or user name containing '+' or '#' and so
     * granted a wildcard. Here such a value is never substituted; an allowing pattern that needs it does not
     * match, a denying one applies to the whole level.
     */
    @Nested
    class PatternSubstitutionNeverWidens {
        final AclAuthorizer acl = AclAuthorizer.of(List.of(
                AclRule.pattern(Access.READWRITE, "/users/%u/#"),
                AclRule.pattern(Access.READWRITE, "devices/%c/#")));

        @Test
        void wildcardsInTheUserNameGrantNothing() {
            for (String evil : List.of("+", "#", "a/b", "x+", "+/+")) {
                ClientInfo c = client(evil, "c1");
                assertThat(acl.authorizeSubscribe(c, "/users/+/#", 0)).as(evil).isEqualTo(Decision.DENY);
                assertThat(acl.authorizeSubscribe(c, "/users/#", 0)).as(evil).isEqualTo(Decision.DENY);
                assertThat(acl.authorizeDelivery(c, Message.of("/users/alice/inbox", "", 0, false))).as(evil).isEqualTo(Decision.DENY);
                assertThat(acl.authorizePublish(c, "/users/alice/inbox", 0, false)).as(evil).isEqualTo(Decision.DENY);
            }
            // "a/b" would otherwise have reached /users/a/b/...
            assertThat(acl.authorizePublish(client("a/b", "c1"), "/users/a/b/x", 0, false)).isEqualTo(Decision.DENY);
        }

        @Test
        void wildcardsInTheClientIdGrantNothing() {
            for (String evil : List.of("+", "#", "x/y")) {
                ClientInfo c = client("u", evil);
                assertThat(acl.authorizeSubscribe(c, "devices/+/#", 0)).as(evil).isEqualTo(Decision.DENY);
                assertThat(acl.authorizePublish(c, "devices/x/y/cmd", 0, false)).as(evil).isEqualTo(Decision.DENY);
            }
        }

        @Test
        void anAbsentOrEmptyUserNameMatchesNoUserPattern() {
            assertThat(acl.authorizePublish(client(null, "c"), "/users//x", 0, false)).isEqualTo(Decision.DENY);
            assertThat(acl.authorizePublish(client("", "c"), "/users//x", 0, false)).isEqualTo(Decision.DENY);
        }

        @Test
        void aDollarNameCannotOpenReservedTopicsThroughAFirstLevelPattern() {
            AclAuthorizer first = AclAuthorizer.of(List.of(AclRule.pattern(Access.READ, "%c/#")));
            assertThat(first.authorizeSubscribe(client(null, "$SYS"), "$SYS/#", 0)).isEqualTo(Decision.DENY);
            assertThat(first.authorizeSubscribe(client(null, "dev1"), "dev1/#", 0)).isEqualTo(Decision.ALLOW);
        }

        @Test
        void aDenyPatternWithAnUnusableNameDeniesTheWholeLevel() {
            AclAuthorizer withDeny = AclAuthorizer.of(List.of(
                    AclRule.topic(Access.READWRITE, "inbox/#"),
                    AclRule.pattern(Access.DENY, "inbox/%u/private")));
            assertThat(withDeny.authorizePublish(client("ann", "c"), "inbox/bob/private", 0, false)).isEqualTo(Decision.ALLOW);
            assertThat(withDeny.authorizePublish(client("ann", "c"), "inbox/ann/private", 0, false)).isEqualTo(Decision.DENY);
            assertThat(withDeny.authorizePublish(client("#", "c"), "inbox/bob/private", 0, false)).isEqualTo(Decision.DENY);
            assertThat(withDeny.authorizePublish(client(null, "c"), "inbox/bob/private", 0, false)).isEqualTo(Decision.DENY);
            assertThat(withDeny.authorizePublish(client(null, "c"), "inbox/bob/public", 0, false)).isEqualTo(Decision.ALLOW);
        }

        @Test
        void aPlaceholderMustFillAWholeLevel() {
            assertThatThrownBy(() -> AclRule.pattern(Access.READ, "/users/x%u/#"))
                    .isInstanceOf(InvalidRuleException.class).hasMessageContaining("whole level");
            assertThatThrownBy(() -> AclRule.pattern(Access.READ, "/users/%u%c"))
                    .isInstanceOf(InvalidRuleException.class);
            // in a topic rule %u is plain text
            AclAuthorizer plain = AclAuthorizer.of(List.of(AclRule.topic(Access.WRITE, "x%u/%u")));
            assertThat(plain.authorizePublish(client("bob", "c"), "x%u/%u", 0, false)).isEqualTo(Decision.ALLOW);
            assertThat(plain.authorizePublish(client("bob", "c"), "x%u/bob", 0, false)).isEqualTo(Decision.DENY);
        }
    }

    @Test
    void malformedRuleFiltersAreRefused() {
        assertThatThrownBy(() -> AclRule.topic(Access.READ, "a/#/b")).isInstanceOf(InvalidRuleException.class);
        assertThatThrownBy(() -> AclRule.topic(Access.READ, "")).isInstanceOf(InvalidRuleException.class);
    }
}
