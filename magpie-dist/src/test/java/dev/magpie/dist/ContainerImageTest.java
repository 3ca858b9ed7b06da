package dev.magpie.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, without a Docker engine: built from this build's archive, in the manner of the official mosquitto
 * and HiveMQ images (small JRE base, non-root user, volumes, the standard ports, a health check), every path it uses
 * one the archive has. That its entrypoint serves is {@link ReleaseArchiveTest}'s.
 */
class ContainerImageTest {
    @TempDir
    static Path unpacked;

    private static ContainerImage image;

    @BeforeAll
    static void read() throws Exception {
        image = ContainerImage.read(UnpackedArchive.unpack(unpacked).home());
    }

    @Test
    void everyPathTheImageUsesIsInTheArchive() {
        assertThat(image.missingPaths()).isEmpty();
        assertThat(image.instruction("VOLUME")).contains("/opt/magpie/data").contains("/opt/magpie/config");
        assertThat(image.instruction("WORKDIR")).isEqualTo(ContainerImage.IMAGE_HOME);
    }

    @Test
    void theImageIsBuiltFromTheReleaseArchiveOnASmallJre() {
        assertThat(image.instruction("FROM")).isEqualTo("eclipse-temurin:17-jre");
        String add = image.instruction("ADD");
        assertThat(add).startsWith("magpie-dist/target/magpie-${MAGPIE_VERSION}.tar.gz ");
        // with the version of this build, the ADD names the archive the build made
        String archiveName = UnpackedArchive.name().substring("magpie-".length());
        assertThat(UnpackedArchive.buildDirectory().resolve(add.split(" ")[0].replace("magpie-dist/target/", "")
                .replace("${MAGPIE_VERSION}", archiveName))).isRegularFile();
    }

    @Test
    void theBrokerRunsAsAnUnprivilegedUserWithTheStandardPortsAndAHealthCheck() {
        assertThat(image.instruction("USER")).isNotBlank().isNotIn("root", "0");
        assertThat(List.of(image.instruction("EXPOSE").split("\\s+"))).contains("1883", "8883", "8443");
        assertThat(image.instruction("HEALTHCHECK")).contains("--interval=").contains("bin/magpie-health");
        assertThat(image.environment()).containsKey("MAGPIE_HOME");
        assertThat(image.command()).contains("serve", "--config");
    }
}
