package dev.magpie.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * {@code magpie serve} as a child JVM, started the way {@code bin/magpie} starts it (main class, arguments,
 * environment): from the test classpath ({@link #start}; in {@code mvn verify} the tests run before the jar is
 * packaged) or from a built {@code magpie.jar} ({@link #startJar}, {@code java -jar} exactly as {@code bin/magpie}
 * does). stdout and stderr are merged and collected line by line as they arrive, so a test can wait for a log
 * line instead of sleeping; each line can also be echoed elsewhere (a log file) as it arrives.
 *
 * <p>Public for the crash tests in {@code dev.magpie.server.crash}, which kill it with SIGKILL ({@link #kill}).
 */
public final class ServeProcess implements AutoCloseable {

    /** The broker's start-up line for each listener, e.g. {@code listener tcp (tcp) accepting MQTT on 127.0.0.1:41234 via epoll}. */
    public static final Pattern ACCEPTING = Pattern.compile("listener (\\S+) \\((\\w+)\\) accepting MQTT on (\\S+):(\\d+) via ");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Consumer<String> echo;
    private final Thread reader;

    private ServeProcess(Process process, Consumer<String> echo) {
        this.process = process;
        this.echo = echo;
        this.reader = new Thread(this::collect, "serve-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code magpie serve ARGS} with exactly the {@code MAGPIE_…} variables in {@code env} (any the test
     * JVM has are removed, so the run does not depend on the machine).
     */
    static ServeProcess start(Map<String, String> env, String... serveArgs) throws IOException {
        return startFromClasspath(env, line -> { }, serveArgs);
    }

    /** {@link #start}, with every output line also passed to {@code echo} (on the reading thread) as it arrives. */
    public static ServeProcess startFromClasspath(Map<String, String> env, Consumer<String> echo, String... serveArgs)
            throws IOException {
        // start fast on a small shared machine: the child lives for seconds, C2 would not pay off
        return startFromClasspath(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"), env, echo, serveArgs);
    }

    /**
     * {@link #startFromClasspath(Map, Consumer, String...)} with these JVM options instead of the fast-start ones,
     * e.g. {@code List.of()} for the JIT as {@code bin/magpie} runs it, where a test measures CPU-heavy work
     * (password hashing is several times slower without C2's SHA-512 intrinsics).
     */
    public static ServeProcess startFromClasspath(List<String> jvmOptions, Map<String, String> env, Consumer<String> echo,
                                                  String... serveArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                // the logging of magpie.jar, not the logback-test.xml the broker's test jar brings along
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"),
                MagpieCommand.class.getName(), "serve"));
        command.addAll(List.of(serveArgs));
        return launch(command, env, echo);
    }

    /**
     * {@code java -jar JAR serve ARGS}, as {@code bin/magpie} runs the fat jar: the program an operator runs, with
     * its own bundled logback.xml and nothing from the test classpath.
     */
    public static ServeProcess startJar(Path jar, Map<String, String> env, Consumer<String> echo, String... serveArgs)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-jar", jar.toString(), "serve"));
        command.addAll(List.of(serveArgs));
        return launch(command, env, echo);
    }

    /**
     * {@code bin/magpie serve ARGS}, the launcher itself (its JVM options included: the process is the JVM, the script
     * {@code exec}s it), running {@code jar} through {@code MAGPIE_JAR} so the script never builds during a test.
     * {@code javaOpts} go to {@code MAGPIE_JAVA_OPTS}.
     */
    public static ServeProcess startScript(Path jar, String javaOpts, Map<String, String> env, Consumer<String> echo,
                                           String... serveArgs) throws IOException {
        Path script = repositoryRoot().resolve("bin/magpie");
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), "serve"));
        command.addAll(List.of(serveArgs));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("MAGPIE_JAR", jar.toString());
        all.put("MAGPIE_JAVA_OPTS", javaOpts);
        all.put("JAVA_HOME", System.getProperty("java.home"));
        return launch(command, all, echo);
    }

    /**
     * {@code command} exactly as given (e.g. {@code bin/magpie serve ...} of an unpacked release archive, or a
     * container's entrypoint), run in {@code workingDirectory} with exactly the {@code MAGPIE_...} variables in
     * {@code env}. For the release archive test of {@code magpie-dist}.
     */
    public static ServeProcess startCommand(List<String> command, Path workingDirectory, Map<String, String> env,
                                            Consumer<String> echo) throws IOException {
        return launch(command, workingDirectory, env, echo);
    }

    /** The checkout this module belongs to (the parent of the module's directory). */
    public static Path repositoryRoot() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    }

    /**
     * {@code magpie-server/target/magpie.jar} when it is at least as new as the compiled classes (the program an
     * operator runs, and immune to whatever another checkout installed into the local Maven repository); empty when
     * it is missing or stale. {@code -Dmagpie.crash.jar=PATH} forces a jar.
     */
    public static Optional<Path> currentJar() {
        String forced = System.getProperty("magpie.crash.jar");
        if (forced != null) {
            return Optional.of(Path.of(forced));
        }
        Path module = Path.of(System.getProperty("basedir", "."));
        Path built = module.resolve("target/magpie.jar");
        Path classes = module.resolve("target/classes/dev/magpie/server/cli/MagpieCommand.class");
        try {
            if (Files.isRegularFile(built) && (!Files.exists(classes)
                    || Files.getLastModifiedTime(built).compareTo(Files.getLastModifiedTime(classes)) >= 0)) {
                return Optional.of(built);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    /**
     * A jar {@code java -jar} can run: {@link #currentJar()}, or else a manifest-only jar in {@code dir} whose
     * Class-Path is the test classpath (the same classes as {@link #startFromClasspath}); run it with
     * {@code -Dlogback.configurationFile=logback.xml} so the broker logs as magpie.jar does.
     */
    public static Path runnableJar(Path dir) throws IOException {
        Optional<Path> current = currentJar();
        if (current.isPresent()) {
            return current.get();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MagpieCommand.class.getName());
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.append(Path.of(entry).toAbsolutePath().toUri()).append(' ');
            }
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().trim());
        Path jar = dir.resolve("magpie-classpath.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static ServeProcess launch(List<String> command, Map<String, String> env, Consumer<String> echo) throws IOException {
        return launch(command, null, env, echo);
    }

    private static ServeProcess launch(List<String> command, Path workingDirectory, Map<String, String> env,
                                       Consumer<String> echo) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().keySet().removeIf(name -> name.startsWith("MAGPIE_"));
        builder.environment().putAll(env);
        return new ServeProcess(builder.start(), echo);
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                echo.accept(line);
            }
        } catch (IOException e) {
            // the process was killed while we read; what arrived is kept
        }
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process's resident memory ({@code VmRSS} of {@code /proc/PID/status}) in KiB. */
    public long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/" + process.pid() + "/status (has serve exited?):\n" + output(), e);
        }
        throw new AssertionError("no VmRSS in /proc/" + process.pid() + "/status");
    }

    /** Every line printed so far (stdout and stderr merged). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    String output() {
        return String.join("\n", lines);
    }

    /** Waits for the "accepting" line of {@code listener} and returns the port it names. */
    public int awaitPort(String listener) {
        Matcher[] found = new Matcher[1];
        await().atMost(START_TIMEOUT)
                .failFast("serve exited early:\n" + output(), () -> !process.isAlive())
                .until(() -> {
                    for (String line : lines) {
                        Matcher m = ACCEPTING.matcher(line);
                        if (m.find() && m.group(1).equals(listener)) {
                            found[0] = m;
                            return true;
                        }
                    }
                    return false;
                });
        return Integer.parseInt(found[0].group(4));
    }

    /** Waits for the line containing {@code text}. */
    public void awaitLine(String text) {
        await().atMost(START_TIMEOUT)
                .failFast("serve exited early:\n" + output(), () -> !process.isAlive() && !contains(text))
                .until(() -> contains(text));
    }

    /** Whether a line containing {@code text} has been printed. */
    public boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    /**
     * Sends SIGTERM, as {@code kill PID} or a service manager would. Through the process handle: {@code
     * Process.destroy()} sends the same signal but also closes our end of the output pipe, losing what the
     * shutdown hook logs.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /**
     * Waits for the process to end and for its last line to be read.
     *
     * @return the exit status
     * @throws AssertionError if it is still running after {@code timeout}
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("serve still running after " + timeout + ":\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /**
     * SIGKILL now (on Linux {@link Process#destroyForcibly()} is {@code kill -9}): no shutdown hook, no flush, the
     * state on disk is whatever was written when the signal arrived. Waits for the process to end and for the
     * last of its output to be read.
     */
    public void kill() {
        close();
    }

    /** Kills the process (SIGKILL) if it is still running and waits for it. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
