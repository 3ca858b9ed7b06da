package dev.magpie.server.security;

import dev.magpie.security.acl.AclAuthorizer;
import dev.magpie.security.mosquitto.MosquittoAclFile;
import dev.magpie.security.mosquitto.MosquittoFileException;
import dev.magpie.security.mosquitto.MosquittoPasswordFile;
import dev.magpie.security.mosquitto.PasswordFileAuthenticator;
import dev.magpie.security.password.PasswordHasher;
import dev.magpie.server.config.ConfigException;
import dev.magpie.spi.Decision;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the ACL and password files named in the config. Parsing works on bytes already read, so the reloader
 * can compare exactly what it parsed with what is on disk next time. Every failure is one line naming the
 * config key and the file, and for a malformed line {@code file:line: problem}.
 */
public final class SecurityFiles {

    private SecurityFiles() {
    }

    /** The file's bytes. */
    static byte[] read(String key, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(key + " " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read " + key + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Loads the ACL file {@code file} with {@code defaultDecision} for questions no rule answers. */
    public static AclAuthorizer loadAcl(Path file, Decision defaultDecision) {
        return parseAcl(file, read("acl_file", file), defaultDecision);
    }

    static AclAuthorizer parseAcl(Path file, byte[] content, Decision defaultDecision) {
        try {
            return AclAuthorizer.builder()
                    .rules(MosquittoAclFile.parse(text("acl_file", file, content), file.toString()))
                    .defaultDecision(defaultDecision)
                    .build();
        } catch (MosquittoFileException e) {
            throw lineError("acl_file", e);
        }
    }

    /** Loads the mosquitto password file {@code file}. */
    public static PasswordFileAuthenticator loadPasswords(Path file) {
        return parsePasswords(file, read("password_file", file));
    }

    static PasswordFileAuthenticator parsePasswords(Path file, byte[] content) {
        try {
            return new PasswordFileAuthenticator(MosquittoPasswordFile.parse(text("password_file", file, content),
                    file.toString()), new PasswordHasher());
        } catch (MosquittoFileException e) {
            throw lineError("password_file", e);
        }
    }

    private static String text(String key, Path file, byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(key + " " + file + " is not UTF-8 text");
        }
    }

    private static ConfigException lineError(String key, MosquittoFileException e) {
        return new ConfigException(key + " " + e.file() + ":" + e.line() + ": " + e.problem(), e);
    }
}
