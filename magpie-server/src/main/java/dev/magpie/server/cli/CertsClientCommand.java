package dev.magpie.server.cli;

import dev.magpie.server.certs.CertFiles;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;

/** {@code magpie certs client}: a TLS client certificate for mutual TLS, signed by the CA in {@code --out}. */
@Command(name = "client",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Create a TLS client certificate (DIR/NAME.crt, DIR/NAME.key) signed by DIR/ca.crt.",
        description = {
                "%nFor mutual TLS: a server that trusts the CA (listeners[].tls.client_ca_file) accepts clients"
                        + " presenting a certificate it signed, and sees NAME as the certificate's common name."
                        + " Needs the CA made by 'certs ca --out DIR' in the same directory."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:created",
                "1:a file could not be read or written",
                "2:invalid option, no CA in DIR, or a file exists and --force was not given"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie certs client --out certs --name sensor-1",
                "      certs/sensor-1.crt and certs/sensor-1.key, common name sensor-1",
                "  bin/magpie certs client --out certs --name app --p12 --p12-password",
                "      also certs/app.p12 for Java or Android clients, asking for its password",
                "  mosquitto_pub --cafile certs/ca.crt --cert certs/sensor-1.crt \\",
                "      --key certs/sensor-1.key -h localhost -p 8883 -t test -m hello",
                "      using it",
                "",
                "Details: docs/certificates.md"})
final class CertsClientCommand extends CertsSubcommand {

    @Option(names = "--name", paramLabel = "NAME", required = true, order = 2,
            description = "The client's name: its certificate's common name and the base name of the files"
                    + " (letters, digits, '.', '_', '-').")
    private String name;

    @Option(names = "--days", paramLabel = "N", defaultValue = "" + CertificateAuthority.DEFAULT_LEAF_DAYS,
            order = 10, description = "Days the certificate is valid (default: ${DEFAULT-VALUE}; never past the CA).")
    private int days;

    @Option(names = "--p12", order = 30,
            description = "Also write NAME.p12: key, certificate and CA in one PKCS#12 file (default: no).")
    private boolean p12;

    @Option(names = "--p12-password", paramLabel = "PW", arity = "0..1", interactive = true, order = 31,
            description = "Password of NAME.p12; give the option without a value to be asked for it.")
    private char[] p12Password;

    @Override
    void run(PrintWriter out, PrintWriter err) throws IOException {
        String base = checkFileName("--name", name);
        char[] password = p12Password(p12, p12Password);
        var keySpec = keySpec();
        CertFiles.checkWritable(leafFiles(base, p12), force);
        CertificateAuthority ca = loadCa();
        CertifiedKey key = ca.issueClient(base, keySpec, days);
        writeLeaf(base, key, password);

        String crt = this.out.resolve(base + ".crt").toString();
        String keyFile = this.out.resolve(base + ".key").toString();
        String pair = base + ".crt + " + base + ".key";
        String indent = " ".repeat(pair.length() + 4);
        out.printf("Created %s and %s (%s).%n", crt, keyFile, describe(key, ca));
        out.printf("  %s  the client's certificate (mosquitto_pub --cert %s --key %s;%n", pair, crt, keyFile);
        out.printf("%sMQTT.js `cert:` and `key:`)%n", indent);
        if (p12) {
            out.printf("  %-" + pair.length() + "s  the same key and chain in one password-protected PKCS#12 file%n",
                    base + ".p12");
        }
        out.printf("  %-" + pair.length() + "s  what the broker trusts client certificates from:"
                + " listeners[].tls.client_ca_file%n", "ca.crt");
        out.printf("Check: openssl verify -CAfile %s %s%n", caCertificateFile(), crt);
        noteIfShortened(err, spec.qualifiedName(" "), key, ca, days);
    }
}
