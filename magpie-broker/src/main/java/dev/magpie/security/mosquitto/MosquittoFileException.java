package dev.magpie.security.mosquitto;

import java.io.IOException;

/**
 * A mosquitto password or ACL file that cannot be used as written. The message names the file, the line
 * (1-based) and what is wrong; it never repeats a password hash.
 */
public final class MosquittoFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String problem;

    public MosquittoFileException(String file, int line, String problem) {
        super(file + " line " + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The file (or source name) that was being read. */
    public String file() {
        return file;
    }

    /** The 1-based line number of the offending line. */
    public int line() {
        return line;
    }

    /** What is wrong with the line, without the file and line prefix. */
    public String problem() {
        return problem;
    }
}
