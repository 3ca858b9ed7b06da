package dev.magpie.server.cli;

import dev.magpie.server.certs.CertFiles;
import dev.magpie.server.certs.CertificateAuthority;
import dev.magpie.server.certs.CertifiedKey;
import dev.magpie.server.certs.ServerNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** {@code magpie certs server}: a TLS server certificate signed by the CA in {@code --out}. */
@Command(name = "server",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Create a TLS server certificate (DIR/server.crt, DIR/server.key) signed by DIR/ca.crt.",
        description = {
                "%nClients check that the name they connect to is in the server's certificate, so list every"
                        + " DNS name and IP address clients will use (localhost and 127.0.0.1 for local tools, the"
                        + " LAN address for a phone on Wi-Fi, your domain in production). Needs the CA made by"
                        + " 'certs ca --out DIR' in the same directory."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:created",
                "1:a file could not be read or written",
                "2:invalid option, no CA in DIR, or a file exists and --force was not given"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie certs server --out certs --dns localhost --ip 127.0.0.1",
                "      certs/server.crt and certs/server.key for local clients",
                "  bin/magpie certs server --out certs --dns mqtt.example.com,localhost \\",
                "      --ip 127.0.0.1 --ip 192.168.1.20",
                "      several names; a client may connect by any of them",
                "  bin/magpie certs server --out certs --name wss --dns localhost --p12 \\",
                "      --p12-password secret",
                "      certs/wss.crt, certs/wss.key and certs/wss.p12 (key and chain in one file)",
                "",
                "Check it:",
                "  openssl verify -CAfile certs/ca.crt -verify_hostname localhost \\",
                "      certs/server.crt",
                "Details: docs/certificates.md"})
final class CertsServerCommand extends CertsSubcommand {

    @Option(names = "--dns", paramLabel = "NAME", arity = "1..*", split = ",", order = 2,
            description = "DNS name clients connect to; repeat or separate with commas; '*.example.com' is a"
                    + " wildcard. The first one is also the common name.")
    private List<String> dnsNames = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", arity = "1..*", split = ",", order = 3,
            converter = IpAddressConverter.class,
            description = "IPv4 or IPv6 address clients connect to; repeat or separate with commas. At least one"
                    + " --dns or --ip is required.")
    private List<InetAddress> ipAddresses = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "server", order = 4,
            description = "Base name of the files written: NAME.crt, NAME.key, NAME.p12 (default: ${DEFAULT-VALUE}).")
    private String name;

    @Option(names = "--days", paramLabel = "N", defaultValue = "" + CertificateAuthority.DEFAULT_LEAF_DAYS,
            order = 10,
            description = "Days the certificate is valid (default: ${DEFAULT-VALUE}, the most Apple platforms accept"
                    + " for a server certificate; never past the CA).")
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
        ServerNames names = new ServerNames(dnsNames, ipAddresses);
        char[] password = p12Password(p12, p12Password);
        var keySpec = keySpec();
        CertFiles.checkWritable(leafFiles(base, p12), force);
        CertificateAuthority ca = loadCa();
        CertifiedKey key = ca.issueServer(names, keySpec, days);
        writeLeaf(base, key, password);

        String command = spec.qualifiedName(" ");
        String pair = base + ".crt + " + base + ".key";
        String indent = " ".repeat(pair.length() + 4);
        out.printf("Created %s and %s (%s; %s).%n", out(base + ".crt"), out(base + ".key"), describe(key, ca), names);
        out.printf("  %s  the broker's TLS listener: listeners[].tls.cert_file and listeners[].tls.key_file%n", pair);
        out.printf("%s(TLS listeners are in development), or any HTTPS/WSS server (nginx, Node.js)%n", indent);
        if (p12) {
            out.printf("  %-" + pair.length() + "s  the same key and chain in one password-protected PKCS#12 file%n",
                    base + ".p12");
        }
        out.printf("  %-" + pair.length() + "s  give to clients (mosquitto_sub --cafile %s, MQTT.js `ca:`),%n", "ca.crt",
                caCertificateFile());
        out.printf("%sor install it as a trusted root for browsers/WeChat developer tools%n", indent);
        out.printf("Check: openssl verify -CAfile %s %s%n", caCertificateFile(), out(base + ".crt"));
        if (days > CertificateAuthority.DEFAULT_LEAF_DAYS) {
            err.println(command + ": note: Apple platforms (Safari, iOS, macOS) reject server certificates valid for more"
                    + " than " + CertificateAuthority.DEFAULT_LEAF_DAYS + " days, even from a CA you installed");
        }
        noteIfShortened(err, command, key, ca, days);
    }

    private String out(String file) {
        return this.out.resolve(file).toString();
    }

    /** {@code --ip}: literals only, never resolved. */
    static final class IpAddressConverter implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            try {
                return ServerNames.parseIpAddress(value);
            } catch (RuntimeException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
