package dev.magpie.server.doctor;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checks a deployment the way a WeChat mini program meets it when it opens {@code wxs://host/path}: the name,
 * the port, TCP, TLS (version, chain, host name, dates), the WebSocket upgrade and its subprotocol, and an MQTT
 * CONNECT. All over one connection, as the mini program has one, and each step within the timeout, so a silent
 * server costs at most one timeout per step.
 *
 * <p>A failure does not stop the checks when the next ones can still tell something: an IP literal is still
 * connected to, an untrusted certificate still lets the WebSocket and MQTT be checked (but the password is then
 * not sent). What cannot run after a failure is reported as skipped.
 *
 * <pre>{@code
 * DoctorOptions options = new DoctorOptions(Duration.ofSeconds(10), TrustAnchors.system(),
 *         new DoctorOptions.MqttLogin(MqttVersion.V3_1_1, "doctor-1", null, null));
 * Report report = new Doctor(options, "magpie-doctor")
 *         .run(Target.parse("wxs://mqtt.example.com/mqtt"), result -> System.out.println(result));
 * }</pre>
 */
public final class Doctor {

    private final DoctorOptions options;
    private final String userAgent;

    /** @param userAgent the User-Agent of the upgrade request, e.g. "magpie-doctor/0.1.0" */
    public Doctor(DoctorOptions options, String userAgent) {
        this.options = Objects.requireNonNull(options, "options");
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    }

    /** Runs every check on {@code target}, handing each result to {@code progress} as soon as it is known. */
    public Report run(Target target, Consumer<CheckResult> progress) {
        Results results = new Results(progress);
        List<Check> plan = plan(target);
        List<InetAddress> addresses = NameCheck.run(target, options.timeout(), results);
        if (target.scheme().miniProgram()) {
            results.add(PortCheck.run(target));
        }
        if (!addresses.isEmpty()) {
            TcpConnect.run(target, addresses, options.timeout(), results).ifPresent(opened -> {
                try (Connection connection = opened.connection()) {
                    overConnection(target, opened, results);
                }
            });
        }
        return results.finish(plan, results.lastFailure());
    }

    private void overConnection(Target target, TcpConnect.Opened opened, Results results) {
        boolean trusted = true;
        if (target.scheme().tls()) {
            Optional<TlsCheck.Established> tls = TlsCheck.run(target, opened, options.timeout(), results);
            if (tls.isEmpty()) {
                return;
            }
            trusted = certificates(target, tls.get().chain(), results);
        } else {
            results.add(CheckResult.warn(Check.TLS_VERSION, "none: " + target.scheme().text() + ":// is not encrypted",
                    target.scheme().webSocket() ? "a mini program (and any HTTPS page) connects only with wss://"
                            : "passwords and messages travel in clear text: use mqtts:// outside a trusted network"));
        }
        Connection connection = opened.connection();
        MqttLink link = MqttLink.direct(connection);
        if (target.scheme().webSocket()) {
            if (!WebSocketUpgrade.run(target, connection, options.timeout(), userAgent, results)) {
                return;
            }
            link = new WebSocketLink(connection);
        }
        if (!trusted && options.login().hasPassword()) {
            results.add(CheckResult.skip(Check.MQTT, "not sending the password to a server whose certificate did"
                    + " not verify (fix the certificate first, or run without --password)"));
            return;
        }
        results.add(MqttConnectCheck.run(link, connection, options.login(), options.timeout()));
    }

    /** The chain, host name and validity checks; true when the certificate is one a client may trust. */
    private boolean certificates(Target target, List<X509Certificate> chain, Results results) {
        ChainCheck.Outcome outcome = ChainCheck.run(chain, options.trust());
        results.add(outcome.result());
        if (!chain.isEmpty()) {
            results.add(HostNameCheck.run(target, chain.get(0)));
        }
        results.add(ValidityCheck.run(outcome.path(), Instant.now()));
        return !results.failed(Check.CHAIN) && !results.failed(Check.HOST_NAME) && !results.failed(Check.VALIDITY);
    }

    /** The checks that apply to {@code target}'s scheme, in report order. */
    static List<Check> plan(Target target) {
        List<Check> plan = new ArrayList<>(List.of(Check.DNS_NAME));
        if (target.scheme().miniProgram()) {
            plan.add(Check.PORT);
        }
        plan.add(Check.CONNECT);
        plan.add(Check.TLS_VERSION);
        if (target.scheme().tls()) {
            plan.addAll(List.of(Check.CHAIN, Check.HOST_NAME, Check.VALIDITY));
        }
        if (target.scheme().webSocket()) {
            plan.addAll(List.of(Check.WEBSOCKET, Check.SUBPROTOCOL));
        }
        plan.add(Check.MQTT);
        return plan;
    }
}
