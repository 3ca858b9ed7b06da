package dev.magpie.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A release archive this build made, unpacked with the system's {@code tar} (what a user does) into a directory of the
 * test's, and a way to run its programs there the way a user's shell would: with a {@code PATH} that holds only
 * the few tools the scripts use (so no Maven can be reached), {@code JAVA_HOME} set, and none of the test machine's
 * {@code MAGPIE_...} variables.
 */
final class UnpackedArchive {
    /** What bin/magpie (POSIX sh, run by /bin/sh) and bin/magpie-health (bash) call besides the JVM. */
    private static final List<String> SCRIPT_TOOLS = List.of("bash", "env", "dirname", "readlink", "find", "head", "nproc");

    private final Path home;
    private final Path tools;

    private UnpackedArchive(Path home, Path tools) {
        this.home = home;
        this.tools = tools;
    }

    /** The directory the build wrote the archives to ({@code magpie-dist/target}). */
    static Path buildDirectory() {
        return Path.of(System.getProperty("magpie.archive.dir", "target"));
    }

    /** {@code magpie-<version>}: the archive's file name without extension and its top directory. */
    static String name() {
        return System.getProperty("magpie.archive.name", "magpie-unknown");
    }

    static Path tarGz() {
        return buildDirectory().resolve(name() + ".tar.gz");
    }

    static Path zip() {
        return buildDirectory().resolve(name() + ".zip");
    }

    /** Unpacks the tar.gz into {@code dir}; the archive's top directory is {@link #home()}. */
    static UnpackedArchive unpack(Path dir) throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("tar", "-xzf", tarGz().toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!tar.waitFor(20, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IOException("tar -xzf " + tarGz() + " failed: " + out);
        }
        Path tools = Files.createDirectories(dir.resolve("path-without-maven"));
        for (String tool : SCRIPT_TOOLS) {
            // a one-line wrapper rather than a symbolic link, which the temporary directory's clean-up warns about
            Path wrapper = tools.resolve(tool);
            Files.writeString(wrapper, "#!/bin/sh\nexec '" + which(tool) + "' \"$@\"\n");
            wrapper.toFile().setExecutable(true);
        }
        return new UnpackedArchive(dir.resolve(name()), tools);
    }

    Path home() {
        return home;
    }

    /** The environment a user's shell gives a program run from the archive, plus {@code extra}. */
    Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", tools.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.putAll(extra);
        return env;
    }

    /** Runs {@code bin/PROGRAM ARGS} from the archive to its end (at most 25 s) in {@code workingDirectory}. */
    Run run(Path workingDirectory, Map<String, String> extraEnv, String program, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(program).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(extraEnv));
        Path err = Files.createTempFile(workingDirectory, "stderr", ".txt");
        Process process = builder.redirectError(err.toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(25, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(program + " did not end within 25 s");
        }
        return new Run(process.exitValue(), out, Files.readString(err));
    }

    /** A program's exit status and output. */
    record Run(int exitCode, String out, String err) {
    }

    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new UncheckedIOException(new IOException(tool + " is not on the PATH"));
    }
}
