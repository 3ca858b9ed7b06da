package dev.magpie.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zip (the Windows user's download) and its {@code bin/magpie.cmd}. There is no Windows on the build machines,
 * so the script is checked as text: it is in the zip with CRLF line endings (cmd.exe misreads labels and
 * {@code goto} in a LF file), runs the same jar with the same JVM options before {@code MAGPIE_JAVA_OPTS} and the
 * arguments unchanged ({@code %*}) as {@code bin/magpie}, and finds java through {@code JAVA_HOME} or the PATH.
 */
class WindowsLauncherTest {
    private static final String TOP = UnpackedArchive.name() + "/";
    /** The JVM options both launchers add, each unless MAGPIE_JAVA_OPTS brings its own. */
    private static final List<String> SHARED_JVM_OPTIONS = List.of("-XX:+ExitOnOutOfMemoryError", "-Xms16m",
            "-XX:+UseSerialGC", "-Dio.netty.leakDetection.level=disabled");

    private static String cmd;
    private static String sh;
    private static List<String> zipEntries;

    @BeforeAll
    static void readZip() throws IOException {
        try (ZipFile zip = new ZipFile(UnpackedArchive.zip().toFile())) {
            cmd = text(zip, TOP + "bin/magpie.cmd");
            sh = text(zip, TOP + "bin/magpie");
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory()) {
                    names.add(entry.getName());
                }
            }
            zipEntries = names;
        }
    }

    @Test
    void theCmdScriptHasCrlfLineEndingsAndTheShellScriptLf() {
        assertThat(cmd).contains("\r\n");
        assertThat(cmd.replace("\r\n", "")).as("a bare LF").doesNotContain("\n");
        assertThat(sh).doesNotContain("\r");
    }

    @Test
    void bothLaunchersRunTheSameJarWithTheSameOptionsAndPassTheArgumentsOn() {
        assertThat(cmd).contains("set \"MAGPIE_RUN_JAR=%MAGPIE_HOME%\\lib\\magpie.jar\"");
        assertThat(sh).contains("$MAGPIE_HOME/lib/magpie.jar");
        for (String option : SHARED_JVM_OPTIONS) {
            assertThat(cmd).as("magpie.cmd adds " + option).contains(option);
            assertThat(sh).as("bin/magpie adds " + option).contains(option);
        }
        // MAGPIE_JAVA_OPTS after the launcher's options (so it can override them), then the jar, then every argument
        assertThat(cmd).contains("\"%MAGPIE_JAVA%\" %MAGPIE_JVM% %MAGPIE_JAVA_OPTS% -jar \"%MAGPIE_RUN_JAR%\" %*");
        // bin/magpie is POSIX sh: the command line is built in "$@" from its end, so the same order results
        assertThat(sh).startsWith("#!/bin/sh\n")
                .contains("set -- -jar \"$jar\" \"$@\"")
                .contains("set -- ${MAGPIE_JAVA_OPTS:-} \"$@\"")
                .contains("exec \"$java_cmd\" -XX:+ExitOnOutOfMemoryError \"$@\"");
        assertThat(cmd).contains("if defined JAVA_HOME set \"MAGPIE_JAVA=%JAVA_HOME%\\bin\\java.exe\"")
                .contains("set \"MAGPIE_JAVA=java\"")
                .contains("if not defined MAGPIE_HOME set \"MAGPIE_HOME=%~dp0..\"")
                .contains("set \"MAGPIE_DATA_DIR=%MAGPIE_HOME%\\data\"")
                .contains("exit /b %ERRORLEVEL%");
    }

    @Test
    void theZipAndTheTarGzHoldTheSameFiles() throws Exception {
        Process tar = new ProcessBuilder("tar", "-tzf", UnpackedArchive.tarGz().toString()).redirectErrorStream(true).start();
        List<String> tarFiles = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(name -> !name.endsWith("/")).toList();
        assertThat(tar.waitFor()).isZero();

        assertThat(zipEntries).containsExactlyInAnyOrderElementsOf(tarFiles).contains(TOP + "lib/magpie.jar");
    }

    private static String text(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        assertThat(entry).as(name + " in the zip").isNotNull();
        try (var in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
