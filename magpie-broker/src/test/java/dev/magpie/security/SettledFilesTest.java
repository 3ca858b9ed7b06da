package dev.magpie.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settled-file rule: a reload reads a file only once it has stopped changing (issue 10: an ACL file
 * truncated for 2 s was loaded and dropped acknowledged deliveries; a certificate renamed before its key was
 * swapped in alone).
 */
class SettledFilesTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String text(SettledFiles.Snapshot s, int i) {
        return new String(s.content(i), StandardCharsets.UTF_8);
    }

    @Test
    void nothingChangedMeansNothingHandedOut() throws Exception {
        Path file = write("acl", "topic a\n");
        SettledFiles files = SettledFiles.readNow(List.of(file));
        assertThat(text(files.initial(), 0)).isEqualTo("topic a\n");
        assertThat(files.poll()).isEmpty();
        assertThat(files.poll()).isEmpty();
        assertThat(files.settling()).isFalse();
    }

    @Test
    void aChangeIsHandedOutOnceItLooksTheSameOnTwoPolls() throws Exception {
        Path file = write("acl", "topic a\n");
        SettledFiles files = SettledFiles.readNow(List.of(file));
        Files.writeString(file, "topic b\n");
        assertThat(files.poll()).as("first sight: may still be written").isEmpty();
        assertThat(files.settling()).isTrue();
        Optional<SettledFiles.Snapshot> change = files.poll();
        assertThat(change).isPresent();
        assertThat(text(change.get(), 0)).isEqualTo("topic b\n");
        assertThat(files.poll()).as("handed out once").isEmpty();
    }

    @Test
    void aFileStillBeingWrittenIsNotHandedOutUntilItStops() throws Exception {
        Path file = write("acl", "topic a\ntopic b\n");
        SettledFiles files = SettledFiles.readNow(List.of(file));
        Files.writeString(file, "");                       // truncated, as `>` does
        assertThat(files.poll()).isEmpty();
        Files.writeString(file, "topic a\n");              // half refilled
        assertThat(files.poll()).isEmpty();
        Files.writeString(file, "topic a\ntopic c\n");     // complete
        assertThat(files.poll()).isEmpty();
        assertThat(files.poll()).map(s -> text(s, 0)).contains("topic a\ntopic c\n");
    }

    @Test
    void aTruncationUndoneBeforeItSettledIsNeverSeen() throws Exception {
        Path file = write("passwd", "alice:$7$...\n");
        SettledFiles files = SettledFiles.readNow(List.of(file));
        Files.writeString(file, "");
        assertThat(files.poll()).isEmpty();
        Files.writeString(file, "alice:$7$...\n");
        assertThat(files.poll()).isEmpty();
        assertThat(files.poll()).isEmpty();
        assertThat(files.settling()).isFalse();
    }

    @Test
    void aNewModificationTimeWithTheSameSizeAndContentStillCountsAsMoving() throws Exception {
        Path file = write("acl", "topic a\n");
        SettledFiles files = SettledFiles.readNow(List.of(file));
        Files.writeString(file, "topic b\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
        assertThat(files.poll()).isEmpty();
        Files.setLastModifiedTime(file, FileTime.fromMillis(2_000_000)); // the writer is still at it
        assertThat(files.poll()).isEmpty();
        assertThat(files.poll()).isPresent();
    }

    @Test
    void touchingAFileWithoutChangingItReloadsNothing() throws Exception {
        Path file = write("acl", "topic a\n");
        SettledFiles files = SettledFiles.readNow(List.of(file));
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
        assertThat(files.poll()).isEmpty();
        assertThat(files.poll()).isEmpty();
    }

    @Test
    void twoFilesSettleTogether() throws Exception {
        Path cert = write("server.crt", "cert 1");
        Path key = write("server.key", "key 1");
        SettledFiles files = SettledFiles.readNow(List.of(cert, key));
        Files.writeString(cert, "cert 2");
        assertThat(files.poll()).isEmpty();
        Files.writeString(key, "key 2");
        assertThat(files.poll()).as("the key moved since the last poll").isEmpty();
        SettledFiles.Snapshot both = files.poll().orElseThrow();
        assertThat(text(both, 0)).isEqualTo("cert 2");
        assertThat(text(both, 1)).isEqualTo("key 2");
    }

    @Test
    void aMissingFileIsHandedOutOnceAsUnreadableAndItsReturnAgain() throws Exception {
        Path file = write("acl", "topic a\n");
        SettledFiles files = SettledFiles.readNow(List.of(file));
        Files.delete(file);
        assertThat(files.poll()).isEmpty();
        SettledFiles.Snapshot gone = files.poll().orElseThrow();
        assertThat(gone.unreadable()).map(SettledFiles.FileState::problem).contains("does not exist");
        assertThat(files.poll()).isEmpty();
        Files.writeString(file, "topic a\n");
        files.poll();
        assertThat(files.poll()).map(s -> text(s, 0)).contains("topic a\n");
    }

    @Test
    void startingFromLoadedBytesSeesAChangeMadeSinceTheyWereRead() throws Exception {
        Path file = write("acl", "topic new\n");
        SettledFiles files = SettledFiles.startingFrom(List.of(file), List.of("topic old\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(files.poll()).isEmpty();
        assertThat(files.poll()).map(s -> text(s, 0)).contains("topic new\n");
    }
}
