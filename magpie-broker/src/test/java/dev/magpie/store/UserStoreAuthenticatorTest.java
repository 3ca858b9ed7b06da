package dev.magpie.store;

import dev.magpie.security.password.PasswordHasher;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UserStoreAuthenticatorTest {

    private final UserStore store = UserStore.inMemory(new PasswordHasher(1_000));
    private final UserStoreAuthenticator authenticator = new UserStoreAuthenticator(store);

    @AfterEach
    void close() {
        store.close();
    }

    private AuthResult login(String user, String password) {
        Credentials credentials = new Credentials("c1", user, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                new InetSocketAddress("127.0.0.1", 5000), List.of(), "tcp");
        return authenticator.authenticate(credentials).toCompletableFuture().join();
    }

    @Test
    void theRightPasswordIsAllowed() {
        store.add("test", "123456".toCharArray());

        assertThat(login("test", "123456").outcome()).isEqualTo(AuthResult.Outcome.ALLOW);
    }

    @Test
    void aWrongOrMissingPasswordIsDenied() {
        store.add("test", "123456".toCharArray());

        assertThat(login("test", "12345").outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(login("test", null).outcome()).isEqualTo(AuthResult.Outcome.DENY);
        assertThat(login("test", "12345").reason()).hasValue("wrong password for user 'test'");
    }

    @Test
    void anUnknownUserOrNoUserNameIsPassedOn() {
        assertThat(login("ghost", "x")).isSameAs(AuthResult.next());
        assertThat(login(null, null)).isSameAs(AuthResult.next());
        assertThat(login("a/#", "x")).as("names that cannot exist are not looked up").isSameAs(AuthResult.next());
    }

    @Test
    void changesInTheStoreCountAtTheNextLogin() {
        store.add("test", "one".toCharArray());
        assertThat(login("test", "one").outcome()).isEqualTo(AuthResult.Outcome.ALLOW);

        store.setPassword("test", "two".toCharArray());
        assertThat(login("test", "one").outcome()).isEqualTo(AuthResult.Outcome.DENY);

        store.remove("test");
        assertThat(login("test", "two")).isSameAs(AuthResult.next());
    }

    @Test
    void aBrokenStoreFailsTheStageSoTheBrokerRefuses() {
        store.close();

        assertThat(authenticator.authenticate(new Credentials("c", "test", new byte[]{1}, null, List.of(), "tcp"))
                .toCompletableFuture()).isCompletedExceptionally();
    }
}
