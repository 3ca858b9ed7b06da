package dev.magpie.codec;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ReasonCode#describe}: the words clients print for a refusal, after MQTT 5.0 table 2-6. */
class ReasonCodeTest {

    @Test
    void refusalsReadAsTheSpecNamesThem() {
        assertThat(ReasonCode.describe(ReasonCode.NOT_AUTHORIZED)).isEqualTo("not authorized");
        assertThat(ReasonCode.describe(ReasonCode.BAD_USER_NAME_OR_PASSWORD)).isEqualTo("bad user name or password");
        assertThat(ReasonCode.describe(ReasonCode.QOS_NOT_SUPPORTED)).isEqualTo("QoS not supported");
        assertThat(ReasonCode.describe(ReasonCode.NO_MATCHING_SUBSCRIBERS)).isEqualTo("no matching subscribers");
    }

    @Test
    void everyNamedFiveZeroCodeHasWordsAndAnUnknownOneSaysItsNumber() throws IllegalAccessException {
        for (Field field : ReasonCode.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class && !field.getName().startsWith("V3_")) {
                assertThat(ReasonCode.describe(field.getInt(null))).as(field.getName()).doesNotStartWith("reason code");
            }
        }
        assertThat(ReasonCode.describe(0x7F)).isEqualTo("reason code 0x7F");
    }
}
