package dev.magpie.cluster.redis;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link RedisBackendSettings} makes of plain, TLS and Sentinel addresses, as Lettuce then reads them. */
class RedisBackendSettingsTest {

    @Test
    void aPasswordWithAnyCharacterReachesLettuceIntactAndReplacesTheUrisOwn() {
        RedisURI uri = RedisURI.create(RedisBackendSettings.of("rediss://old@redis.example:6380/2", "p@ss w:rd/%").uri());
        assertThat(password(uri)).isEqualTo("p@ss w:rd/%");
        assertThat(uri.isSsl()).isTrue();
        assertThat(uri.getCredentialsProvider().resolveCredentials().block().hasUsername()).isFalse();
        assertThat(uri.getHost()).isEqualTo("redis.example");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
    }

    @Test
    void sentinelsAndTheirMasterBecomeALettuceSentinelUri() {
        RedisURI uri = RedisURI.create(RedisBackendSettings.sentinel("mymaster",
                List.of("10.0.0.1:26379", "10.0.0.2:26380"), "secret", false).uri());
        assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(uri.getSentinels()).extracting(RedisURI::getHost, RedisURI::getPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("10.0.0.1", 26379), org.assertj.core.groups.Tuple.tuple("10.0.0.2", 26380));
        assertThat(password(uri)).isEqualTo("secret");
    }

    @Test
    void aBadUriIsRefusedWithWhatIsExpectedAndWithoutItsPassword() {
        assertThatThrownBy(() -> RedisBackendSettings.of("http://hunter2@redis:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected redis://host:port")
                .hasMessageNotContaining("hunter2");
        assertThat(RedisBackendSettings.of("redis://127.0.0.1:6379", "hunter2").toString()).doesNotContain("hunter2");
    }

    private static String password(RedisURI uri) {
        return new String(uri.getCredentialsProvider().resolveCredentials().block().getPassword());
    }
}
