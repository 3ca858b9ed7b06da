package dev.magpie.server.cli;

import dev.magpie.codec.MqttVersion;
import dev.magpie.server.certs.CertsException;
import dev.magpie.server.config.DurationFormat;
import dev.magpie.server.doctor.CheckResult;
import dev.magpie.server.doctor.Doctor;
import dev.magpie.server.doctor.DoctorOptions;
import dev.magpie.server.doctor.Report;
import dev.magpie.server.doctor.Status;
import dev.magpie.server.doctor.Target;
import dev.magpie.server.doctor.TrustAnchors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/**
 * {@code magpie doctor URL}: checks a deployment as a WeChat mini program meets it and prints one line per check,
 * with a fix under each that did not pass. The work is in {@code dev.magpie.server.doctor}; this class parses the
 * options and prints. Results are printed as they come, so a step waiting for its timeout is visibly the one
 * after the last line.
 */
@Command(name = "doctor",
        mixinStandardHelpOptions = true,
        versionProvider = MagpieCommand.Version.class,
        sortOptions = false,
        headerHeading = "%n",
        header = "Check a wxs:// (wss://) deployment the way a WeChat mini program connects to it.",
        description = {
                "%nConnects to URL as wx.connectSocket and MQTT.js do and checks, in order: the host is a domain"
                        + " name (WeChat refuses IP addresses) that resolves; the port (443 is what mini programs use);"
                        + " TCP; TLS 1.2 or 1.3; the certificate chain the server sends leads to a trusted root without"
                        + " fetching anything (phones do not fetch missing intermediates); the certificate names the"
                        + " host; its dates (a warning 30 days before expiry); the WebSocket upgrade of the path with the"
                        + " mqtt subprotocol echoed; and an MQTT CONNECT answered by CONNACK. Each line says PASS, WARN"
                        + " or FAIL, and what to fix.",
                "%nURL schemes: wxs:// and wss:// (the same thing), and for convenience ws://, mqtts:// and mqtt://"
                        + " (the checks that apply to them). Without a port: 443 for wxs/wss, 80, 8883, 1883."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every check passed (warnings allowed)", "1:at least one check failed",
                "2:bad option, URL or --ca file"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  bin/magpie doctor wxs://mqtt.example.com/mqtt",
                "      a production deployment, against the system's trusted roots",
                "  bin/magpie doctor wxs://localhost:8443/mqtt --ca data/certs/ca.crt",
                "      the broker of serve --dev, trusting its development CA",
                "  bin/magpie doctor wxs://mqtt.example.com/mqtt --mqtt-version 5 \\",
                "      --username test --password 123456",
                "      log in as a user, with MQTT 5",
                "",
                "What each check means and how to fix it: docs/wechat.md"})
final class DoctorCommand implements Callable<Integer>, OneLineUsageErrors {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL",
            description = "What to check, e.g. wxs://mqtt.example.com/mqtt (the URL the mini program uses).")
    String url;

    @Option(names = "--ca", paramLabel = "FILE", order = 1,
            description = "Trust the CA certificate(s) in this PEM file instead of the system's roots. Phones trust"
                    + " only public CAs, so use it for a private CA in development and staging.")
    Path caFile;

    @Option(names = "--timeout", paramLabel = "DURATION", order = 2, defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Longest wait of each step: DNS, connect, TLS handshake, upgrade, CONNACK (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--mqtt-version", paramLabel = "V", order = 3, defaultValue = "3.1.1",
            converter = MqttVersionConverter.class,
            description = "3.1.1 (MQTT.js's default, protocolVersion 4) or 5 (default: ${DEFAULT-VALUE}).")
    MqttVersion mqttVersion;

    @Option(names = "--username", paramLabel = "U", order = 4,
            description = "User name for the CONNECT (default: none, an anonymous client).")
    String username;

    @Option(names = "--password", paramLabel = "PW", order = 5, arity = "1",
            description = "Password for the CONNECT. It is not sent when the server's certificate fails the checks.")
    char[] password;

    @Option(names = "--client-id", paramLabel = "ID", order = 6,
            description = "Client id of the CONNECT (default: magpie-doctor- and random hex).")
    String clientId;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target target;
        TrustAnchors trust;
        try {
            target = Target.parse(url);
            trust = caFile == null ? TrustAnchors.system() : TrustAnchors.fromFile(caFile);
        } catch (IllegalArgumentException | CertsException e) {
            return usage(err, e.getMessage());
        } catch (IOException e) {
            return usage(err, "cannot read " + caFile + ": " + e.getMessage());
        }
        if (password != null && username == null && mqttVersion == MqttVersion.V3_1_1) {
            return usage(err, "--password needs --username: MQTT 3.1.1 sends no password without a user name"
                    + " [MQTT-3.1.2-22]");
        }
        byte[] secret = password == null ? null : PasswordPrompt.utf8(password);
        String id = clientId != null ? clientId : "magpie-doctor-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
        DoctorOptions options = new DoctorOptions(timeout, trust,
                new DoctorOptions.MqttLogin(mqttVersion, id, username, secret));
        out.println("Checking " + target + (target.scheme().miniProgram() ? " as a WeChat mini program would" : "")
                + " (each step within " + DurationFormat.format(timeout) + ")");
        out.println();
        out.flush();
        Report report = new Doctor(options, "magpie-doctor/" + MagpieCommand.version())
                .run(target, result -> print(out, result));
        out.println();
        out.println(summary(report));
        out.flush();
        return report.healthy() ? 0 : EXIT_FAILED;
    }

    private int usage(PrintWriter err, String message) {
        err.println("magpie doctor: " + message + " (see bin/magpie doctor --help)");
        err.flush();
        return EXIT_USAGE;
    }

    private static void print(PrintWriter out, CheckResult result) {
        out.printf("%-4s  %-18s %s%n", result.status(), result.check().label(), result.detail());
        if (!result.fix().isEmpty()) {
            out.printf("      %-18s fix: %s%n", "", result.fix());
        }
        out.flush();
    }

    static String summary(Report report) {
        long failed = report.count(Status.FAIL);
        long warnings = report.count(Status.WARN);
        String warned = warnings == 0 ? "" : " (" + warnings + (warnings == 1 ? " warning)" : " warnings)");
        if (failed == 0) {
            return "All checks passed" + warned + ".";
        }
        return failed + (failed == 1 ? " check failed" : " checks failed") + warned
                + ": a mini program cannot connect until " + (failed == 1 ? "it is" : "they are") + " fixed.";
    }

    /** {@code 10s}, {@code 500ms}, ... as in the config file. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration;
            try {
                duration = DurationFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            if (duration.isZero()) {
                throw new TypeConversionException("the timeout must be longer than 0");
            }
            return duration;
        }
    }

    /** "3.1.1" / "4" or "5" / "5.0". */
    static final class MqttVersionConverter implements ITypeConverter<MqttVersion> {
        @Override
        public MqttVersion convert(String value) {
            return switch (value.strip()) {
                case "3.1.1", "4" -> MqttVersion.V3_1_1;
                case "5", "5.0" -> MqttVersion.V5;
                default -> throw new TypeConversionException("'" + value + "' is not an MQTT version: use 3.1.1 or 5");
            };
        }
    }
}
