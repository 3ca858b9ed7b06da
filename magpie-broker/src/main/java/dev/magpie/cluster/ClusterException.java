package dev.magpie.cluster;

/**
 * The cluster store could not do what was asked (unreachable, timed out, refused); the message says which call and
 * why. Returned stages fail with it (or with the implementation's own timeout exception as its cause).
 */
public final class ClusterException extends RuntimeException {
    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }

    public ClusterException(String message) {
        super(message);
    }
}
