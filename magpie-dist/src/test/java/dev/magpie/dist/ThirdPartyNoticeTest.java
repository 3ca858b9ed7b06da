package dev.magpie.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NOTICE names every library the shaded {@code magpie.jar} bundles, at the version bundled: a dependency added or
 * upgraded without its licence being checked and listed fails the build. The jar's own record of what it holds is
 * the {@code META-INF/maven/<group>/<artifact>/pom.properties} each bundled library brings along.
 */
class ThirdPartyNoticeTest {
    @Test
    void noticeListsEveryBundledLibraryAtItsVersion() throws IOException {
        Path repo = Path.of(System.getProperty("magpie.repo.root", ".."));
        String notice = Files.readString(repo.resolve("NOTICE"));
        List<String> bundled = bundledLibraries(repo.resolve("magpie-server/target/magpie.jar"));

        assertThat(bundled).as("libraries in magpie.jar").hasSizeGreaterThan(20);
        List<String> unlisted = bundled.stream().filter(library -> !notice.contains("  " + library + " ")).toList();
        assertThat(unlisted).as("bundled in magpie.jar but not in NOTICE (as 'group:artifact version', with its licence)").isEmpty();
        assertThat(Files.readString(repo.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0, January 2004");
    }

    /** Not every jar brings a pom.properties (Bouncy Castle does not): the build's own list of what it shades in. */
    @Test
    void noticeListsEveryRuntimeDependencyTheShadeTookIn() throws IOException {
        Path repo = Path.of(System.getProperty("magpie.repo.root", ".."));
        String notice = Files.readString(repo.resolve("NOTICE"));
        List<String> dependencies = new ArrayList<>();
        // lines like "   org.bouncycastle:bcprov-jdk18on:jar:1.87:compile" or with a classifier before the version
        for (String line : Files.readAllLines(repo.resolve("magpie-server/target/bundled-libraries.txt"))) {
            String[] parts = line.strip().split("\\s+")[0].split(":");
            if (parts.length >= 5 && (parts[parts.length - 1].equals("compile") || parts[parts.length - 1].equals("runtime"))) {
                dependencies.add(parts[0] + ":" + parts[1] + " " + parts[parts.length - 2]);
            }
        }

        // Bouncy Castle is shaded in without a pom.properties: only this list sees it
        assertThat(dependencies).as("magpie-server's runtime dependencies").hasSizeGreaterThan(30)
                .anyMatch(d -> d.startsWith("org.bouncycastle:bcprov-jdk18on "));
        assertThat(dependencies.stream().filter(d -> !notice.contains("  " + d + " ")).toList())
                .as("shaded into magpie.jar but not in NOTICE (as 'group:artifact version', with its licence)").isEmpty();
    }

    private static List<String> bundledLibraries(Path jar) throws IOException {
        List<String> libraries = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
                    Properties p = new Properties();
                    try (InputStream in = file.getInputStream(entry)) {
                        p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                    if (!p.getProperty("groupId").equals("dev.magpie")) {
                        libraries.add(p.getProperty("groupId") + ":" + p.getProperty("artifactId") + " " + p.getProperty("version"));
                    }
                }
            }
        }
        return libraries;
    }
}
