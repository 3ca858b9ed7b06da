package dev.magpie.observe.sys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and commit this library was built from, as the build filtered them into {@code version.properties}
 * (the commit is asked of git at build time; see the parent POM). One string for every place that reports it
 * ({@code $SYS/broker/version}, the admin API, {@code magpie --version}), so a bug report and a running broker
 * can be matched to one commit.
 */
public final class BuildVersion {
    private BuildVersion() {
    }

    /** E.g. {@code 0.1.0 (commit 3af4741e0c2b)}; a part the build did not know (no git checkout) reads "unknown". */
    public static String describe() {
        Properties p = load();
        return value(p, "version") + " (commit " + value(p, "commit") + ")";
    }

    /** The project version alone, e.g. {@code 0.1.0}. */
    public static String version() {
        return value(load(), "version");
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "");
        // unfiltered (classes run from an IDE) or unset at build time (not a git checkout)
        return v.isBlank() || v.startsWith("${") ? "unknown" : v.trim();
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
