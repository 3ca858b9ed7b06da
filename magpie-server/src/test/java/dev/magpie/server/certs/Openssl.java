package dev.magpie.server.certs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code openssl} binary (OpenSSL 3, installed by {@code .ci/run}) as an independent judge of what
 * {@code magpie certs} writes. Standard input is empty so a command that would prompt fails instead of hanging.
 */
final class Openssl {

    static final Path BINARY = Path.of("/usr/bin/openssl");

    record Result(int exitCode, String output) {
    }

    private Openssl() {
    }

    static Result run(Path workingDirectory, String... args) {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing; install openssl (apt-get install openssl)");
        }
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("openssl " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code openssl x509 -noout -text -in FILE}. */
    static String text(Path dir, String certificate) {
        Result result = run(dir, "x509", "-noout", "-text", "-in", certificate);
        if (result.exitCode() != 0) {
            throw new AssertionError("openssl cannot read " + certificate + ": " + result.output());
        }
        return result.output();
    }
}
