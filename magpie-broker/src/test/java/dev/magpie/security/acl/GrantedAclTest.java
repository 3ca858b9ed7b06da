package dev.magpie.security.acl;

import dev.magpie.spi.AuthResult;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import dev.magpie.spi.Message;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-client rules granted at login: the claim format, and how the authorizer treats clients with and without one. */
class GrantedAclTest {
    private static ClientInfo client(String id, String user, AuthResult result) {
        return new ClientInfo(id, user, null, 4, "tcp", result.attributes());
    }

    @Test
    void grantDecidesAloneForItsHolder() {
        GrantedAcl grant = GrantedAcl.fromClaim(Map.of("pub", List.of("devices/%c/up"), "sub", List.of("devices/%c/down"),
                "all", List.of("chat/%u"), "deny", List.of("devices/secret/#")));
        ClientInfo holder = client("secret", "ann", grant.grant(AuthResult.allow()));
        GrantedAcl.Authorizer authorizer = new GrantedAcl.Authorizer(Decision.NEXT);

        assertThat(authorizer.authorizePublish(holder, "devices/secret/up", 0, false)).isEqualTo(Decision.DENY); // deny wins
        ClientInfo other = client("d1", "ann", grant.grant(AuthResult.allow()));
        assertThat(authorizer.authorizePublish(other, "devices/d1/up", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(authorizer.authorizePublish(other, "devices/d1/down", 0, false)).isEqualTo(Decision.DENY);
        assertThat(authorizer.authorizeSubscribe(other, "devices/d1/down", 1)).isEqualTo(Decision.ALLOW);
        assertThat(authorizer.authorizeSubscribe(other, "devices/+/down", 1)).isEqualTo(Decision.DENY);
        assertThat(authorizer.authorizePublish(other, "chat/ann", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(authorizer.authorizeDelivery(other, new Message("devices/d1/down", new byte[0], 0, false)))
                .isEqualTo(Decision.ALLOW);
    }

    @Test
    void clientsWithoutAGrantGetTheConfiguredAnswer() {
        ClientInfo plain = new ClientInfo("c", "bob", null, 4, "tcp");
        assertThat(new GrantedAcl.Authorizer(Decision.NEXT).authorizePublish(plain, "a", 0, false)).isEqualTo(Decision.NEXT);
        assertThat(new GrantedAcl.Authorizer(Decision.ALLOW).authorizeSubscribe(plain, "#", 0)).isEqualTo(Decision.ALLOW);
        assertThat(new GrantedAcl.Authorizer(Decision.ALLOW).authorizeDelivery(plain, new Message("a", new byte[0], 0, false)))
                .isEqualTo(Decision.NEXT);
    }

    @Test
    void malformedClaimsAreRefusedNotIgnored() {
        assertThatThrownBy(() -> GrantedAcl.fromClaim(List.of("#"))).isInstanceOf(InvalidRuleException.class);
        assertThatThrownBy(() -> GrantedAcl.fromClaim(Map.of("publish", List.of("#")))).hasMessageContaining("unknown key 'publish'");
        assertThatThrownBy(() -> GrantedAcl.fromClaim(Map.of("pub", "a/#"))).hasMessageContaining("must be a list");
        assertThatThrownBy(() -> GrantedAcl.fromClaim(Map.of("pub", List.of(1)))).hasMessageContaining("not a topic filter");
        assertThatThrownBy(() -> GrantedAcl.fromClaim(Map.of("pub", List.of("a/#/b")))).isInstanceOf(InvalidRuleException.class);
    }

    @Test
    void onlyAnAllowingAnswerCarriesAttributes() {
        assertThatThrownBy(() -> AuthResult.deny("no").withAttribute("x", 1)).isInstanceOf(IllegalStateException.class);
        assertThat(AuthResult.allow().withAttribute("x", 1).withAttribute("x", 2).attributes()).isEqualTo(Map.of("x", 2));
        assertThat(AuthResult.allow().attributes()).isEmpty();
    }
}
