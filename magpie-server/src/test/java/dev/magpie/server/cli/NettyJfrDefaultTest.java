package dev.magpie.server.cli;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI turns Netty's JFR events off before Netty loads (start-up time), unless the JVM was told otherwise. */
class NettyJfrDefaultTest {

    @Test
    void offWhenNotGiven() {
        Properties system = new Properties();
        MagpieCommand.turnOffNettyJfr(system);
        assertThat(system.getProperty(MagpieCommand.NETTY_JFR)).isEqualTo("false");
    }

    @Test
    void aGivenValueIsKept() {
        Properties system = new Properties();
        system.setProperty(MagpieCommand.NETTY_JFR, "true");
        MagpieCommand.turnOffNettyJfr(system);
        assertThat(system.getProperty(MagpieCommand.NETTY_JFR)).isEqualTo("true");
    }
}
