package dev.magpie.server.doctor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The URL a user types: what it means, and a message saying how to write it when it is wrong. */
class TargetTest {

    @Test
    void aWxsUrlWithoutPortOrPathMeans443AndTheRootPathAsAMiniProgramConnects() {
        Target target = Target.parse("wxs://MQTT.Example.com");

        assertThat(target).isEqualTo(new Target(Scheme.WXS, "mqtt.example.com", 443, "/"));
        assertThat(target.hostHeader()).isEqualTo("mqtt.example.com");
        assertThat(target.hostIsIpLiteral()).isFalse();
        assertThat(target).hasToString("wxs://mqtt.example.com:443/");
    }

    @Test
    void wssIsTheSameAsWxsAndKeepsPortPathAndQuery() {
        Target target = Target.parse("wss://mqtt.example.com:8443/mqtt?token=1");

        assertThat(target.scheme().miniProgram()).isTrue();
        assertThat(target.port()).isEqualTo(8443);
        assertThat(target.path()).isEqualTo("/mqtt?token=1");
        assertThat(target.hostHeader()).isEqualTo("mqtt.example.com:8443");
    }

    @Test
    void otherSchemesHaveTheirDefaultPorts() {
        assertThat(Target.parse("ws://h.example").port()).isEqualTo(80);
        assertThat(Target.parse("mqtts://h.example").port()).isEqualTo(8883);
        assertThat(Target.parse("mqtt://h.example").port()).isEqualTo(1883);
        assertThat(Target.parse("mqtt://h.example").scheme().webSocket()).isFalse();
    }

    @Test
    void ipLiteralsAreRecognisedIncludingIpv6InBrackets() {
        assertThat(Target.parse("wxs://203.0.113.7/mqtt").hostIsIpLiteral()).isTrue();
        Target v6 = Target.parse("wxs://[2001:db8::7]:8443/mqtt");
        assertThat(v6.host()).isEqualTo("2001:db8::7");
        assertThat(v6.hostIsIpLiteral()).isTrue();
        assertThat(v6.hostHeader()).isEqualTo("[2001:db8::7]:8443");
    }

    @Test
    void wrongUrlsSayHowToWriteThem() {
        assertThatThrownBy(() -> Target.parse("mqtt.example.com/mqtt"))
                .hasMessageContaining("wxs://your.domain/mqtt");
        assertThatThrownBy(() -> Target.parse("https://mqtt.example.com/mqtt"))
                .hasMessageContaining("unknown scheme 'https'").hasMessageContaining("wxs, wss, ws, mqtts, mqtt");
        assertThatThrownBy(() -> Target.parse("wxs://user:pw@mqtt.example.com/mqtt"))
                .hasMessageContaining("--username and --password");
        assertThatThrownBy(() -> Target.parse("wxs://bad_host.example.com/mqtt"))
                .hasMessageContaining("not a valid host name");
        assertThatThrownBy(() -> Target.parse("wxs://h.example:70000/"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
