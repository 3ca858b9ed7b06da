package dev.magpie.security.mosquitto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.magpie.security.acl.Access;
import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.acl.AclRule;
import dev.magpie.security.acl.Action;
import dev.magpie.security.acl.Explanation;
import dev.magpie.security.acl.RuleSubject;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MosquittoAclFileTest {

    static ClientInfo client(String username, String clientId) {
        return new ClientInfo(clientId, username, null, 4, "test");
    }

    @Test
    void theSeedPolicyAsAMosquittoAclFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("acl.conf");
        Files.writeString(file, """
                # everyone: the shared area (a pattern without placeholders applies to every client)
                pattern readwrite /public/#

                # each user: their own tree
                pattern readwrite /users/%u/#
                """);
        AclAuthorizer acl = MosquittoAclFile.load(file);
        ClientInfo test = client("test", "t1");
        assertThat(acl.authorizePublish(test, "/users/test/x", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizePublish(test, "/users/other/x", 0, false)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeSubscribe(test, "/users/+/x", 0)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeSubscribe(test, "#", 0)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeSubscribe(client(null, "a"), "/public/#", 0)).isEqualTo(Decision.ALLOW);

        Explanation why = acl.explain("test", "t1", "/users/test/x", Action.PUBLISH);
        assertThat(why.reason()).isEqualTo(file + ":5: pattern readwrite /users/%u/#");
    }

    @Test
    void topicLinesBelongToTheUserAboveThemOrToAnonymousClients() throws Exception {
        List<AclRule> rules = MosquittoAclFile.parse("""
                topic read guest/#
                user alice
                topic readwrite alice/#
                pattern write log/%c
                user bob smith
                topic deny alice/#
                topic bare/topic
                """, "acl");
        assertThat(rules).extracting(AclRule::subject).containsExactly(RuleSubject.anonymous(), RuleSubject.user("alice"),
                RuleSubject.everyone(), RuleSubject.user("bob smith"), RuleSubject.user("bob smith"));
        assertThat(rules).extracting(AclRule::access).containsExactly(Access.READ, Access.READWRITE, Access.WRITE,
                Access.DENY, Access.READWRITE);
        assertThat(rules).extracting(AclRule::source).containsExactly("acl:1", "acl:3", "acl:4", "acl:6", "acl:7");
        assertThat(rules.get(4).filter()).isEqualTo("bare/topic");

        AclAuthorizer acl = AclAuthorizer.of(rules);
        assertThat(acl.authorizeSubscribe(client(null, "g"), "guest/x", 0)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizeSubscribe(client("alice", "g"), "guest/x", 0)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizePublish(client("alice", "a1"), "alice/x", 0, false)).isEqualTo(Decision.ALLOW);
        assertThat(acl.authorizePublish(client("bob smith", "b1"), "log/b1", 0, false)).isEqualTo(Decision.ALLOW);
    }

    @Test
    void topicsMayContainSpacesAndBlanksAreTrimmed() throws Exception {
        List<AclRule> rules = MosquittoAclFile.parse("user  ann  \ntopic   read   my room/lights on  \n", "acl");
        assertThat(rules).singleElement().satisfies(r -> {
            assertThat(r.filter()).isEqualTo("my room/lights on");
            assertThat(r.subject()).isEqualTo(RuleSubject.user("ann"));
        });
    }

    @Test
    void theLiteralExtension() throws Exception {
        AclAuthorizer acl = AclAuthorizer.of(MosquittoAclFile.parse("""
                pattern read #
                pattern literal deny #
                """, "acl"));
        assertThat(acl.authorizeSubscribe(client("u", "c"), "#", 0)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeSubscribe(client("u", "c"), "a/#", 0)).isEqualTo(Decision.ALLOW);
        // a lone word is the topic, as in mosquitto
        assertThat(MosquittoAclFile.parse("topic literal", "acl")).singleElement()
                .satisfies(r -> assertThat(r.filter()).isEqualTo("literal"));
    }

    @Test
    void anEmptyFileDeniesEverything() throws Exception {
        AclAuthorizer acl = AclAuthorizer.of(MosquittoAclFile.parse("# nothing yet\n\n", "acl"));
        assertThat(acl.rules()).isEmpty();
        assertThat(acl.authorizePublish(client("u", "c"), "a", 0, false)).isEqualTo(Decision.DENY);
        assertThat(acl.authorizeSubscribe(client(null, "c"), "#", 0)).isEqualTo(Decision.DENY);
    }

    @ParameterizedTest(name = "line {1} of ''{0}'' is refused: {2}")
    @CsvSource(delimiter = '|', value = {
            "topic read a\\ntopci read b                | 2 | unknown keyword 'topci'",
            "topic raed a/b                            | 1 | unknown access 'raed'",
            "# c\\n\\ntopic                            | 3 | needs a topic filter",
            "user                                      | 1 | needs a user name",
            "topic read a/#/b                          | 1 | '#' must be the last level",
            "topic read a/b#                           | 1 | whole level",
            "pattern readwrite /users/x%u/#            | 1 | must fill a whole level",
            "topic literal write a/b                   | 1 | not write",
            "topic literal read                        | 1 | needs an access",
    })
    void malformedLinesStopLoadingWithFileAndLine(String content, int line, String problem) {
        assertThatThrownBy(() -> MosquittoAclFile.parse(content.strip().replace("\\n", "\n"), "acl.conf"))
                .isInstanceOfSatisfying(MosquittoFileException.class, e -> {
                    assertThat(e.file()).isEqualTo("acl.conf");
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.getMessage()).startsWith("acl.conf line " + line + ": ").contains(problem);
                });
    }
}
