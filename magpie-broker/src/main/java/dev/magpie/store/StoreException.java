package dev.magpie.store;

/**
 * The message store cannot be opened or used: the file is not a Magpie database, is unreadable or
 * unwritable, or was written by a newer Magpie. The message names the file and what to do.
 */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
