package dev.magpie.server.certs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Set;

/**
 * Writes certificate material the way a careful person would by hand: private keys readable by their owner
 * only, certificates readable by all, never a half-written file under the final name, and never over an
 * existing file unless asked.
 *
 * <p>Each file is written to a temporary file in the same directory and then renamed into place. A private
 * file is created owner-only (POSIX {@code 0600}) from the start, so there is no moment when the key is on
 * disk with wider permissions, whatever the umask. On file systems without POSIX permissions (Windows), the
 * directory's default access applies.
 */
public final class CertFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private CertFiles() {
    }

    /**
     * Fails if any of {@code files} exists and {@code overwrite} is false, before anything is generated or
     * written, so a refused run leaves no partial output.
     *
     * @throws FileAlreadyExistsException naming the first file that exists
     */
    public static void checkWritable(Collection<Path> files, boolean overwrite) throws IOException {
        for (Path file : files) {
            if (Files.isDirectory(file)) {
                throw new IOException(file + " is a directory");
            }
            if (!overwrite && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString());
            }
        }
    }

    /** Writes a private key or key store: owner read/write only. */
    public static void writePrivate(Path file, byte[] content, boolean overwrite) throws IOException {
        write(file, content, overwrite, OWNER_ONLY);
    }

    /** Writes a certificate: readable by everyone, writable by the owner ({@code 0644}). */
    public static void writePublic(Path file, byte[] content, boolean overwrite) throws IOException {
        write(file, content, overwrite, WORLD_READABLE);
    }

    private static void write(Path file, byte[] content, boolean overwrite, Set<PosixFilePermission> permissions)
            throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        boolean posix = Files.getFileStore(directory).supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp", attributes);
        try {
            try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(temporary,
                    Set.of(StandardOpenOption.WRITE, StandardOpenOption.SYNC)))) {
                out.write(content);
            }
            if (posix && !permissions.equals(OWNER_ONLY)) {
                // Widening is safe: only what is public anyway (a certificate) is ever made world-readable.
                Files.setPosixFilePermissions(temporary, permissions);
            }
            if (overwrite) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(temporary, target);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
