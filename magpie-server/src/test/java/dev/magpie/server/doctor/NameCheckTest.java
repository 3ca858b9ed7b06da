package dev.magpie.server.doctor;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the addresses a name resolves to mean for a phone (built from bytes: no DNS lookup in these tests). */
class NameCheckTest {

    private static InetAddress address(int... bytes) throws UnknownHostException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return InetAddress.getByAddress(raw);
    }

    @Test
    void aPublicAddressPasses() throws UnknownHostException {
        CheckResult result = NameCheck.resolved("mqtt.example.com", List.of(address(203, 0, 113, 7)));

        assertThat(result.status()).isEqualTo(Status.PASS);
        assertThat(result.detail()).isEqualTo("mqtt.example.com -> 203.0.113.7");
    }

    @Test
    void onlyPrivateAddressesWarnThatPhonesOutsideCannotReachThem() throws UnknownHostException {
        CheckResult lan = NameCheck.resolved("mqtt.example.com", List.of(address(192, 168, 1, 20)));
        CheckResult ula = NameCheck.resolved("mqtt.example.com",
                List.of(address(0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));

        assertThat(lan.status()).isEqualTo(Status.WARN);
        assertThat(lan.detail()).contains("private addresses only");
        assertThat(lan.fix()).contains("public address");
        assertThat(ula.status()).isEqualTo(Status.WARN);
    }

    @Test
    void loopbackPassesWithANoteForTheDeveloperTools() throws UnknownHostException {
        CheckResult result = NameCheck.resolved("localhost", List.of(address(127, 0, 0, 1)));

        assertThat(result.status()).isEqualTo(Status.PASS);
        assertThat(result.detail()).contains("reachable from this machine only");
    }

    @Test
    void oneAddressOnThePublicSidePasses() throws UnknownHostException {
        CheckResult result = NameCheck.resolved("mqtt.example.com",
                List.of(address(10, 0, 0, 5), address(198, 51, 100, 9)));

        assertThat(result.status()).isEqualTo(Status.PASS);
    }
}
