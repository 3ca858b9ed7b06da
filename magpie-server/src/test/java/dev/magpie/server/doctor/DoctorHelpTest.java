package dev.magpie.server.doctor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code magpie doctor --help} is enough to use it; bad input is one line and exit status 2, never a stack trace. */
class DoctorHelpTest {

    @Test
    void helpNamesEveryCheckEveryOptionAndGivesExamples() {
        DoctorRun run = DoctorRun.of("--help");
        String help = run.out().replaceAll("\\s+", " ");

        assertThat(run.exitCode()).isZero();
        assertThat(help).contains("Usage: magpie doctor").contains("URL")
                .contains("WeChat refuses IP addresses").contains("TLS 1.2 or 1.3").contains("intermediates")
                .contains("mqtt subprotocol echoed").contains("CONNECT answered by CONNACK")
                .contains("--ca=FILE").contains("--timeout=DURATION").contains("(default: 10s)")
                .contains("--mqtt-version=V").contains("--username=U").contains("--password=PW").contains("--client-id=ID")
                .contains("Exit status:").contains("0 every check passed (warnings allowed)")
                .contains("bin/magpie doctor wxs://mqtt.example.com/mqtt");
    }

    @Test
    void theTopLevelHelpListsDoctor() {
        DoctorRun run = DoctorRun.magpie("--help");

        assertThat(run.out()).contains("doctor").contains("bin/magpie doctor wxs://mqtt.example.com/mqtt");
    }

    @Test
    void withoutAUrlItSaysOneIsNeeded() {
        DoctorRun run = DoctorRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString().contains("Missing required parameter: 'URL'");
    }

    @Test
    void aBadUrlIsAOneLineUsageError() {
        DoctorRun run = DoctorRun.of("https://mqtt.example.com/mqtt");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly("magpie doctor: unknown scheme 'https' in"
                + " 'https://mqtt.example.com/mqtt'; use one of wxs, wss, ws, mqtts, mqtt (see bin/magpie doctor --help)");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingCaFileAndABadOptionAreOneLineUsageErrors() {
        DoctorRun missing = DoctorRun.of("wxs://mqtt.example.com/mqtt", "--ca", "no-such-ca.crt");
        DoctorRun badVersion = DoctorRun.of("wxs://mqtt.example.com/mqtt", "--mqtt-version", "4.0");
        DoctorRun badTimeout = DoctorRun.of("wxs://mqtt.example.com/mqtt", "--timeout", "10");

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().lines()).singleElement().asString().contains("cannot read no-such-ca.crt");
        assertThat(badVersion.exitCode()).isEqualTo(2);
        assertThat(badVersion.err().lines()).singleElement().asString().contains("use 3.1.1 or 5");
        assertThat(badTimeout.exitCode()).isEqualTo(2);
        assertThat(badTimeout.err().lines()).singleElement().asString().contains("e.g. 500ms, 10s");
    }

    @Test
    void aPasswordWithoutUserNameIsRefusedForMqtt311() {
        DoctorRun run = DoctorRun.of("wxs://mqtt.example.com/mqtt", "--password", "123456");

        assertThat(run.exitCode()).isEqualTo(2);
        // [MQTT-3.1.2-22] no Password flag without the User Name flag
        assertThat(run.err().lines()).singleElement().asString().contains("--password needs --username");
    }
}
