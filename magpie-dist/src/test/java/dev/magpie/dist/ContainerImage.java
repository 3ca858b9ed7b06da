package dev.magpie.dist;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's {@code Dockerfile}, read as far as the tests need: what it runs, where, with which environment,
 * and every path of the image's {@code /opt/magpie} (the unpacked archive) it names, mapped onto an unpacked archive.
 * There is no Docker engine on the build machines, so this is how the image is checked: the paths it uses are the
 * archive's, and its entrypoint runs from the unpacked archive with its environment.
 */
final class ContainerImage {
    static final String IMAGE_HOME = "/opt/magpie";
    /** {@code /opt/magpie} or a path below it (not {@code /opt/magpie-<version>}, the archive's own name). */
    private static final Pattern IMAGE_PATH = Pattern.compile(Pattern.quote(IMAGE_HOME) + "(/[A-Za-z0-9._/-]*)?(?![A-Za-z0-9.$-])");
    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    private final Map<String, String> instructions;
    private final Path home;

    private ContainerImage(Map<String, String> instructions, Path home) {
        this.instructions = instructions;
        this.home = home;
    }

    /** The Dockerfile at the root of the repository, against the unpacked archive at {@code home}. */
    static ContainerImage read(Path home) throws IOException {
        Path dockerfile = Path.of(System.getProperty("magpie.repo.root", "..")).resolve("Dockerfile");
        Map<String, String> instructions = new LinkedHashMap<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            current.append(line.strip());
            if (line.endsWith("\\")) {
                current.setLength(current.length() - 1);
                current.append(' ');
                continue;
            }
            String whole = current.toString();
            current.setLength(0);
            int space = whole.indexOf(' ');
            // a later instruction of the same kind adds to the earlier (ENV, EXPOSE, VOLUME: we keep all of them)
            instructions.merge(whole.substring(0, space), whole.substring(space + 1).strip(), (a, b) -> a + "\n" + b);
        }
        return new ContainerImage(instructions, home);
    }

    String instruction(String name) {
        return instructions.getOrDefault(name, "");
    }

    /** ENV, with {@code /opt/magpie} mapped to the unpacked archive. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = ENV_PAIR.matcher(instruction("ENV"));
        while (m.find()) {
            env.put(m.group(1), onArchive(m.group(2).replace("\"", "")));
        }
        return env;
    }

    Path workingDirectory() {
        return Path.of(onArchive(instruction("WORKDIR")));
    }

    /** ENTRYPOINT followed by CMD, as Docker runs them, on the unpacked archive. */
    List<String> command() {
        List<String> command = new ArrayList<>(jsonList(instruction("ENTRYPOINT")));
        command.addAll(jsonList(instruction("CMD")));
        return command.stream().map(this::onArchive).toList();
    }

    /** The HEALTHCHECK's command, on the unpacked archive. */
    String healthCheck() {
        String check = instruction("HEALTHCHECK");
        return String.join(" ", jsonList(check.substring(check.indexOf("CMD ") + 4))).transform(this::onArchive);
    }

    /** Every {@code /opt/magpie...} path the Dockerfile names that the unpacked archive does not have. */
    List<String> missingPaths() {
        List<String> missing = new ArrayList<>();
        for (String text : instructions.values()) {
            Matcher m = IMAGE_PATH.matcher(text);
            while (m.find()) {
                if (!Files.exists(Path.of(onArchive(m.group())))) {
                    missing.add(m.group());
                }
            }
        }
        return missing;
    }

    private String onArchive(String text) {
        return IMAGE_PATH.matcher(text).replaceAll(r -> Matcher.quoteReplacement(home + (r.group(1) == null ? "" : r.group(1))));
    }

    private static List<String> jsonList(String text) {
        try {
            return new ObjectMapper().readValue(text, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("not the JSON form of a Dockerfile instruction: " + text, e);
        }
    }
}
