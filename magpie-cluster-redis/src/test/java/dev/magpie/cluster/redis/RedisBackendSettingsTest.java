package dev.magpie.cluster.redis;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link RedisBackendSettings} makes of plain, TLS and Sentinel addresses, as Lettuce then reads them, and which
 * TLS files it takes.
 */
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

    @Test
    void tlsFilesNeedATlsAddressAndAClientCertificateNeedsItsKey() {
        RedisBackendSettings.Tls mutual = RedisBackendSettings.Tls.trusting("/ca.crt")
                .withClientCertificate("/n1.crt", "/n1.key", "k3y");
        RedisBackendSettings settings = RedisBackendSettings.of("rediss://r:6380").withTls(mutual);
        assertThat(settings.tls()).isEqualTo(new RedisBackendSettings.Tls("/ca.crt", "/n1.crt", "/n1.key", "k3y"));
        assertThat(settings.toString()).contains("caFile=/ca.crt").doesNotContain("k3y");
        assertThat(RedisBackendSettings.sentinel("m", List.of("s:26379"), "", true).withTls(mutual).tls()).isEqualTo(mutual);
        assertThat(RedisBackendSettings.of("redis://r:6379").tls()).isEqualTo(RedisBackendSettings.Tls.JVM_DEFAULTS);

        assertThatThrownBy(() -> RedisBackendSettings.of("redis://r:6379").withTls(mutual))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a TLS address");
        assertThatThrownBy(() -> new RedisBackendSettings.Tls("", "/n1.crt", "", ""))
                .hasMessageContaining("key_file is required with cert_file");
        assertThatThrownBy(() -> new RedisBackendSettings.Tls("/ca.crt", "", "", "pw"))
                .hasMessageContaining("key_password is set but there is no key_file");
    }

    @Test
    void redisClusterSeedsEachGetThePasswordAndTheSchemeOfTls() {
        RedisBackendSettings settings = RedisBackendSettings.cluster(List.of("10.0.0.1:7000", "redis-2:7001"), "p@ss:w", true);
        assertThat(settings.isCluster()).isTrue();
        assertThat(settings.uri()).as("the first seed").isEqualTo(settings.clusterNodes().get(0));
        assertThat(settings.clusterNodes()).extracting(RedisURI::create).allSatisfy(uri -> {
            assertThat(uri.isSsl()).isTrue();
            assertThat(password(uri)).isEqualTo("p@ss:w");
        }).extracting(uri -> uri.getHost() + ":" + uri.getPort()).containsExactly("10.0.0.1:7000", "redis-2:7001");
        assertThat(settings.withKeyPrefix("p").withCommandTimeout(java.time.Duration.ofSeconds(1)).clusterNodes())
                .as("kept by every with…").isEqualTo(settings.clusterNodes());
        assertThat(settings.toString()).doesNotContain("p%40ss").contains("***@10.0.0.1:7000");
        assertThat(RedisBackendSettings.cluster(List.of("h:7000"), "", false).clusterNodes()).containsExactly("redis://h:7000");
        assertThat(RedisBackendSettings.of("redis://r:6379").isCluster()).isFalse();

        assertThatThrownBy(() -> RedisBackendSettings.cluster(List.of(), "", false)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> RedisBackendSettings.cluster(List.of("redis://h:7000"), "", false))
                .hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> new RedisBackendSettings("redis://a:1", "magpie", java.time.Duration.ofSeconds(1), 10,
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), RedisBackendSettings.Tls.JVM_DEFAULTS,
                List.of("redis://a:1", "rediss://b:2"))).hasMessageContaining("like every other node");
    }

    private static String password(RedisURI uri) {
        return new String(uri.getCredentialsProvider().resolveCredentials().block().getPassword());
    }
}
