package dev.magpie.server.cli;

import dev.magpie.server.certs.CertFiles;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.CertsException;
import dev.magpie.server.certs.KeySpec;
import dev.magpie.server.certs.KeyType;
import dev.magpie.server.certs.Pem;
import dev.magpie.server.certs.Pkcs12;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * What the {@code certs} subcommands share: the output directory, key and overwrite options, loading the CA,
 * writing files, and turning failures into one line and an exit status (2 for bad input, 1 for I/O). A
 * subcommand implements {@link #run} and prints its summary; it never prints a stack trace.
 */
abstract class CertsSubcommand implements Callable<Integer> {

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, order = 1,
            description = "Directory of the CA and the files written; created if missing.")
    Path out;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec", converter = KeyTypeConverter.class,
            order = 20, description = "Key algorithm: ec or rsa (default: ${DEFAULT-VALUE}).")
    KeyType keyType;

    @Option(names = "--key-size", paramLabel = "BITS", order = 21,
            description = "Key size: 256 or 384 for ec, 2048, 3072 or 4096 for rsa (default: 256 for ec, "
                    + KeySpec.DEFAULT_RSA_BITS + " for rsa).")
    Integer keySize;

    @Option(names = "--force", order = 40,
            description = "Replace files that exist (default: refuse, naming the file).")
    boolean force;

    /** Does the work and prints the summary; exceptions are reported by {@link #call()}. */
    abstract void run(PrintWriter out, PrintWriter err) throws IOException;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            run(out, err);
            out.flush();
            err.flush();
            return 0;
        } catch (CertsException e) {
            return fail(err, e.getMessage(), CertsCommand.EXIT_USAGE);
        } catch (FileAlreadyExistsException e) {
            return fail(err, e.getFile() + " already exists; add --force to replace it", CertsCommand.EXIT_USAGE);
        } catch (IOException e) {
            return fail(err, describe(e), CertsCommand.EXIT_IO);
        } catch (RuntimeException e) {
            // Not expected (a JVM without EC or AES, a bug): still one line, with the cause that says why.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return fail(err, e.getMessage() + (cause == e ? "" : " (" + cause + ")"), CertsCommand.EXIT_IO);
        }
    }

    private int fail(PrintWriter err, String message, int status) {
        err.println(spec.qualifiedName(" ") + ": " + message);
        err.flush();
        return status;
    }

    /** One line for an I/O failure: what failed on which file, without the exception class. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException missing) {
            return "no such file or directory: " + missing.getFile();
        }
        if (e instanceof AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        if (e instanceof FileSystemException fileSystem && fileSystem.getFile() != null) {
            return "cannot write " + fileSystem.getFile()
                    + (fileSystem.getReason() == null ? "" : ": " + fileSystem.getReason());
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    KeySpec keySpec() {
        return KeySpec.of(keyType, keySize);
    }

    Path caCertificateFile() {
        return out.resolve("ca.crt");
    }

    Path caKeyFile() {
        return out.resolve("ca.key");
    }

    /** The CA in {@code --out}, or a message saying how to create it. */
    CertificateAuthority loadCa() throws IOException {
        for (Path file : List.of(caCertificateFile(), caKeyFile())) {
            if (!Files.exists(file)) {
                throw new CertsException(file + " not found; create the CA first: bin/magpie certs ca --out "
                        + out);
            }
        }
        return CertificateAuthority.load(caCertificateFile(), caKeyFile());
    }

    /** Checks a file base name given by the user: no path separators, no hidden files, not the CA's name. */
    static String checkFileName(String option, String name) {
        if (!FILE_NAME.matcher(name).matches()) {
            throw new CertsException(option + " '" + name + "' must be 1..64 letters, digits, '.', '_' or '-',"
                    + " not starting with '.' or '-'");
        }
        if (name.equalsIgnoreCase("ca")) {
            throw new CertsException(option + " 'ca' is the CA's own file name; choose another");
        }
        return name;
    }

    /** Writes {@code key}'s certificate and key as {@code NAME.crt} and {@code NAME.key} (and NAME.p12). */
    void writeLeaf(String name, CertifiedKey key, char[] p12Password) throws IOException {
        CertFiles.writePrivate(out.resolve(name + ".key"), ascii(Pem.privateKey(key.privateKey())), force);
        CertFiles.writePublic(out.resolve(name + ".crt"), ascii(Pem.certificate(key.certificate())), force);
        if (p12Password != null) {
            CertFiles.writePrivate(out.resolve(name + ".p12"), Pkcs12.encode(key, name, p12Password), force);
            Arrays.fill(p12Password, '\0');
        }
    }

    /** The files a leaf command writes, for {@link CertFiles#checkWritable}. */
    List<Path> leafFiles(String name, boolean p12) {
        List<Path> files = new ArrayList<>(List.of(out.resolve(name + ".crt"), out.resolve(name + ".key")));
        if (p12) {
            files.add(out.resolve(name + ".p12"));
        }
        return files;
    }

    /** The PKCS#12 password to use, or null for none; checks that the two p12 options go together. */
    static char[] p12Password(boolean p12, char[] password) {
        if (p12 && (password == null || password.length == 0)) {
            throw new CertsException("--p12 needs --p12-password PW (or --p12-password alone to be asked for it)");
        }
        if (!p12 && password != null) {
            throw new CertsException("--p12-password is only used with --p12");
        }
        return p12 ? password : null;
    }

    /** The line that says which leaf was made, e.g. "(EC P-256, CN=localhost), valid until 2027-09-01". */
    static String describe(CertifiedKey key, CertificateAuthority ca) {
        return key.keySpec() + ", " + key.certificate().getSubjectX500Principal().getName()
                + ", signed by " + ca.certificate().getSubjectX500Principal().getName()
                + ", valid until " + date(key);
    }

    static String date(CertifiedKey key) {
        return key.certificate().getNotAfter().toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** A note when the CA's expiry shortened the validity asked for. */
    static void noteIfShortened(PrintWriter err, String command, CertifiedKey key, CertificateAuthority ca, int days) {
        long granted = Duration.between(Instant.now(),
                key.certificate().getNotAfter().toInstant()).toDays();
        if (granted < days - 1) {
            err.println(command + ": note: valid until " + date(key) + " only, when the CA expires;"
                    + " for longer, create a new CA");
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code --key-type ec|rsa}, in any case, with the list of valid values in the error. */
    static final class KeyTypeConverter implements ITypeConverter<KeyType> {
        @Override
        public KeyType convert(String value) {
            try {
                return KeyType.parse(value);
            } catch (CertsException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
