package dev.magpie.server.cli;

import dev.magpie.server.certs.CertFiles;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** {@code magpie certs ca}: a new self-signed CA in {@code DIR/ca.crt} and {@code DIR/ca.key}. */
@Command(name = "ca",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Create a CA (DIR/ca.crt, DIR/ca.key) that signs server and client certificates.",
        description = {
                "%nMakes a self-signed root CA that can sign server and client certificates but no other CA."
                        + " ca.crt is public: clients and browsers trust it. ca.key is written readable by its"
                        + " owner only: whoever has it can make certificates your clients will trust."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:created",
                "1:a file could not be read or written",
                "2:invalid option, or a file exists and --force was not given"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie certs ca --out certs",
                "      EC P-256 CA valid for 10 years in certs/ca.crt and certs/ca.key",
                "  bin/magpie certs ca --out certs --cn \"Acme MQTT CA\" \\",
                "      --key-type rsa --key-size 4096",
                "      an RSA CA with its own name (what clients show when asked whom they trust)",
                "  bin/magpie certs server --out certs --dns localhost --ip 127.0.0.1",
                "      next: a server certificate signed by this CA",
                "",
                "Details: docs/certificates.md"})
final class CertsCaCommand extends CertsSubcommand {

    @Option(names = "--cn", paramLabel = "NAME", defaultValue = CertificateAuthority.DEFAULT_COMMON_NAME, order = 2,
            description = "The CA's common name, shown in trust stores (default: ${DEFAULT-VALUE}).")
    private String commonName;

    @Option(names = "--days", paramLabel = "N", defaultValue = "" + CertificateAuthority.DEFAULT_CA_DAYS, order = 10,
            description = "Days the CA is valid (default: ${DEFAULT-VALUE}, ten years; every certificate it signs"
                    + " ends by then).")
    private int days;

    @Override
    void run(PrintWriter out, PrintWriter err) throws IOException {
        Path certificateFile = caCertificateFile();
        Path keyFile = caKeyFile();
        CertFiles.checkWritable(List.of(certificateFile, keyFile), force);
        boolean replacing = Files.exists(certificateFile);
        CertificateAuthority ca = CertificateAuthority.create(commonName, keySpec(), days);
        CertFiles.writePrivate(keyFile, ascii(Pem.privateKey(ca.certifiedKey().privateKey())), force);
        CertFiles.writePublic(certificateFile, ascii(Pem.certificate(ca.certificate())), force);

        out.printf("Created %s and %s (%s, %s, valid until %s).%n", certificateFile, keyFile,
                ca.certifiedKey().keySpec(), ca.certificate().getSubjectX500Principal().getName(),
                date(ca.certifiedKey()));
        out.printf("  SHA-256 fingerprint %s%n", fingerprint(ca));
        out.printf("  ca.key  keep it private: it signs certificates (certs server/client --out %s read it)%n", this.out);
        out.printf("  ca.crt  give to clients (mosquitto_sub --cafile %s, MQTT.js `ca:`), or install it as a%n",
                certificateFile);
        out.printf("          trusted root for browsers/WeChat developer tools; for mutual TLS, the broker's%n");
        out.printf("          listeners[].tls.client_ca_file%n");
        out.printf("Next: bin/magpie certs server --out %s --dns localhost --ip 127.0.0.1%n", this.out);
        if (replacing) {
            err.println(spec.qualifiedName(" ") + ": note: replaced the old CA; certificates it signed no longer"
                    + " verify against the new ca.crt, so issue them again");
        }
    }

    /** The fingerprint as browsers and openssl show it, to check that the CA a device trusts is this one. */
    private static String fingerprint(CertificateAuthority ca) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());
            return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the CA certificate", e);
        }
    }
}
