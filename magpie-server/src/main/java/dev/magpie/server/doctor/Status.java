package dev.magpie.server.doctor;

/** How one check ended. Only {@link #FAIL} makes {@code magpie doctor} exit non-zero. */
public enum Status {
    /** Works as a mini program needs it. */
    PASS,
    /** Works, but something will bite later or for some users (a port other than 443, a certificate about to expire). */
    WARN,
    /** A mini program would fail here. */
    FAIL,
    /** Not run, because an earlier check failed in a way that leaves nothing to check. */
    SKIP
}
