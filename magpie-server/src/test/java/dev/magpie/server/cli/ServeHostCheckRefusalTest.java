package dev.magpie.server.cli;

import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.ServerNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, as a real {@code magpie serve} process: a TLS key that does not belong to its certificate used to
 * start ("accepting") and then fail every handshake with KEY_VALUES_MISMATCH; a missing {@code static_dir} was
 * silent. Both now stop the start with exit status 2 and one line naming the key, its file:line and the files.
 */
class ServeHostCheckRefusalTest {
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<ServeProcess> servers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        servers.forEach(ServeProcess::close);
    }

    private String refusalOf(String yaml) throws Exception {
        Path config = Files.writeString(dir.resolve("magpie.yaml"), "data_dir: data\n" + yaml);
        ServeProcess server = ServeProcess.start(Map.of(), "--config", config.toString());
        servers.add(server);
        assertThat(server.awaitExit(EXIT_WITHIN)).as(server.output()).isEqualTo(ServeCommand.EXIT_CONFIG_ERROR);
        assertThat(server.lines()).as("nothing started").noneMatch(l -> ServeProcess.ACCEPTING.matcher(l).find());
        assertThat(server.output()).doesNotContain("\tat ");
        List<String> refusals = server.lines().stream().filter(l -> l.startsWith("magpie: ")).toList();
        assertThat(refusals).as(server.output()).hasSize(1);
        return refusals.get(0);
    }

    @Test
    void aMismatchedKeyStopsTheStartNamingKeyFileLineAndBothFiles() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Serve Test CA", KeySpec.ec(), 2);
        ServerNames names = ServerNames.of(List.of("localhost"), List.of("127.0.0.1"));
        CertifiedKey server = ca.issueServer(names, KeySpec.ec(), 2);
        CertifiedKey other = ca.issueServer(names, KeySpec.ec(), 2);
        Path cert = Files.writeString(dir.resolve("server.crt"), Pem.certificate(server.certificate()));
        Path wrongKey = Files.writeString(dir.resolve("server.key"), Pem.privateKey(other.privateKey()));

        String refusal = refusalOf("listeners:\n  - name: secure\n    type: tls\n    bind: 127.0.0.1\n    port: 0\n"
                + "    tls:\n      cert_file: server.crt\n      key_file: server.key\n");

        assertThat(refusal).startsWith("magpie: config error in " + dir.resolve("magpie.yaml") + " at line 9, column 7:"
                + " listeners[0].tls.key_file: private key " + wrongKey + " does not belong to certificate " + cert)
                .contains("does not verify with the certificate's public key");
    }

    @Test
    void aMissingStaticDirStopsTheStartNamingTheKey() throws Exception {
        String refusal = refusalOf("listeners:\n  - type: ws\n    bind: 127.0.0.1\n    port: 0\n    websocket:\n      static_dir: www\n");

        assertThat(refusal).startsWith("magpie: config error in " + dir.resolve("magpie.yaml") + " at line 7, column 7:"
                + " listeners[0].websocket.static_dir " + dir.resolve("www") + " does not exist");
    }
}
