package dev.magpie.server.doctor;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The TLS handshake, offering TLS 1.3 and 1.2 as WeChat does (it refuses 1.0 and 1.1). The handshake itself
 * accepts any certificate and only records the chain the server sent: the chain, name and dates are judged
 * afterwards by {@link ChainCheck}, {@link HostNameCheck} and {@link ValidityCheck}, so that each problem gets
 * its own line and fix instead of one "PKIX path building failed".
 *
 * <p>When the handshake fails, what the server sent first says why (see {@link RecordingSocket}): plain HTTP,
 * a TLS alert, or nothing. When it negotiates TLS 1.3, a second connection offering only TLS 1.2 checks that
 * older phones, which have no TLS 1.3, can connect too.
 */
final class TlsCheck {

    private static final String TLS_12 = "TLSv1.2";
    private static final String TLS_13 = "TLSv1.3";

    private TlsCheck() {
    }

    /** What the handshake established: the protocol and the certificates the server sent, leaf first. */
    record Established(String protocol, List<X509Certificate> chain) {
    }

    /** The fix when a server that asked for a client certificate drops a client that has none. */
    static final String MUTUAL_TLS_FIX = "a mini program cannot present a client certificate: set client_auth to none"
            + " (or optional) on the wss listener";

    static Optional<Established> run(Target target, TcpConnect.Opened opened, Duration timeout, Results results) {
        Connection connection = opened.connection();
        ChainRecorder recorder = new ChainRecorder();
        try {
            SSLSocket ssl = handshake(connection.raw(), target, timeout, recorder, TLS_13, TLS_12);
            connection.use(ssl);
            connection.clientCertificateRequested(recorder.clientCertificateRequested);
            SSLSession session = ssl.getSession();
            String protocol = session.getProtocol();
            String negotiated = protocol + " (" + session.getCipherSuite() + ")"
                    + (recorder.clientCertificateRequested ? "; the server asks for a client certificate" : "");
            if (!protocol.equals(TLS_13)) {
                results.add(CheckResult.pass(Check.TLS_VERSION, negotiated));
            } else {
                Optional<String> refusal = refusesTls12(target, opened.address(), timeout);
                if (refusal.isEmpty()) {
                    results.add(CheckResult.pass(Check.TLS_VERSION, negotiated + "; TLS 1.2 accepted too"));
                } else {
                    results.add(CheckResult.warn(Check.TLS_VERSION, negotiated + ", but " + refusal.get(),
                            "enable TLSv1.2 next to TLSv1.3 on the server: older Android and iOS versions have no TLS 1.3"));
                }
            }
            return Optional.of(new Established(protocol, recorder.chain));
        } catch (IOException e) {
            results.add(recorder.clientCertificateRequested
                    ? CheckResult.fail(Check.TLS_VERSION, "the server requires a client certificate and ended the"
                    + " handshake without one", MUTUAL_TLS_FIX)
                    : failure(e, connection.raw(), target, timeout));
            return Optional.empty();
        }
    }

    private static CheckResult failure(IOException e, RecordingSocket raw, Target target, Duration timeout) {
        String port = "port " + target.port();
        String tlsPort = "use the port of a TLS listener (wss), or put TLS in front of this one (nginx: listen 443 ssl)";
        if (raw.receivedHttp()) {
            String firstLine = new String(raw.firstBytes(), StandardCharsets.ISO_8859_1).lines()
                    .findFirst().orElse("");
            return CheckResult.fail(Check.TLS_VERSION, port + " answered in plain HTTP (\"" + firstLine
                    + "\"), not TLS: it serves ws:// or http://", "a mini program needs wss: " + tlsPort);
        }
        int alert = raw.alertDescription();
        if (alert >= 0) {
            return alertFailure(alert, target);
        }
        if (e instanceof SocketTimeoutException) {
            return CheckResult.fail(Check.TLS_VERSION, port + " accepted the connection but did not answer the TLS"
                            + " hello within " + Durations.text(timeout),
                    "check that " + port + " is a TLS port and the server (or the backend behind its proxy) is alive");
        }
        byte[] first = raw.firstBytes();
        if (first.length == 0) {
            return CheckResult.fail(Check.TLS_VERSION, port + " closed the connection when it got the TLS hello",
                    "this is what a plain mqtt:// or ws:// port does: " + tlsPort);
        }
        if (first[0] < 20 || first[0] > 23) {
            return CheckResult.fail(Check.TLS_VERSION, port + " answered with bytes that are not TLS ("
                    + HexFormat.ofDelimiter(" ").formatHex(first, 0, Math.min(8, first.length)) + " ...)",
                    "this port speaks another protocol: " + tlsPort);
        }
        return CheckResult.fail(Check.TLS_VERSION, "the TLS handshake failed: " + e.getMessage(),
                "look at the server's TLS settings and log; openssl s_client -connect " + target.hostForUrl() + ":"
                        + target.port() + " shows the handshake");
    }

    private static CheckResult alertFailure(int alert, Target target) {
        return switch (alert) {
            case 70 -> CheckResult.fail(Check.TLS_VERSION,
                    "the server refused TLS 1.2 and 1.3 (alert protocol_version): it only speaks TLS 1.0 or 1.1",
                    "enable TLSv1.2 and TLSv1.3 on the server; WeChat refuses older versions");
            case 40, 71 -> CheckResult.fail(Check.TLS_VERSION,
                    "the server shares no cipher suite or key exchange with a TLS 1.2/1.3 client (alert "
                            + (alert == 40 ? "handshake_failure" : "insufficient_security") + ")",
                    "enable ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 suites on the server");
            case 112 -> CheckResult.fail(Check.TLS_VERSION,
                    "the server has no certificate for " + target.host() + " (alert unrecognized_name)",
                    "configure a certificate for " + target.host() + " on the server or its proxy (SNI)");
            case 116 -> CheckResult.fail(Check.TLS_VERSION, "the server requires a client certificate (alert"
                    + " certificate_required)", MUTUAL_TLS_FIX);
            default -> CheckResult.fail(Check.TLS_VERSION, "the server ended the TLS handshake with alert " + alert,
                    "look at the server's log for why it refused the handshake");
        };
    }

    /** Why a TLS 1.2-only client cannot connect, or empty if it can. */
    private static Optional<String> refusesTls12(Target target, InetSocketAddress address, Duration timeout) {
        try (RecordingSocket raw = new RecordingSocket()) {
            raw.connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            ChainRecorder recorder = new ChainRecorder();
            try (SSLSocket ignored = handshake(raw, target, timeout, recorder, TLS_12)) {
                return Optional.empty();
            } catch (IOException e) {
                if (recorder.clientCertificateRequested) {
                    return Optional.empty(); // TLS 1.2 got as far as the certificate request: the version is fine
                }
                throw e;
            }
        } catch (SocketTimeoutException e) {
            return Optional.of("a TLS 1.2-only client got no answer within " + Durations.text(timeout));
        } catch (IOException e) {
            return Optional.of("a TLS 1.2-only client is refused");
        }
    }

    private static SSLSocket handshake(RecordingSocket raw, Target target, Duration timeout, ChainRecorder recorder,
                                       String... protocols) throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[]{recorder.keyManager()}, new TrustManager[]{recorder}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no TLS: " + e.getMessage(), e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, target.host(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setProtocols(protocols);
        if (!target.hostIsIpLiteral()) {
            parameters.setServerNames(List.of(new SNIHostName(target.host()))); // what wx sends; a proxy picks its certificate by it
        }
        ssl.setSSLParameters(parameters);
        raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            ssl.close();
            throw e;
        }
        return ssl;
    }

    /**
     * Accepts every server chain and keeps it. Safe only because nothing is trusted on the strength of this
     * handshake: the checks that follow judge the chain, and the password is not sent when they fail. Its key
     * manager has no certificate to offer, but notes when the server asks for one (mutual TLS), which explains a
     * connection the server drops right after the handshake.
     */
    private static final class ChainRecorder extends X509ExtendedTrustManager {
        private volatile List<X509Certificate> chain = List.of();
        private volatile boolean clientCertificateRequested;

        X509ExtendedKeyManager keyManager() {
            return new X509ExtendedKeyManager() {
                @Override
                public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
                    clientCertificateRequested = true; // called only for a CertificateRequest
                    return null;
                }

                @Override
                public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
                    clientCertificateRequested = true;
                    return null;
                }

                @Override
                public String[] getClientAliases(String keyType, Principal[] issuers) {
                    return null;
                }

                @Override
                public String[] getServerAliases(String keyType, Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                    return null;
                }

                @Override
                public X509Certificate[] getCertificateChain(String alias) {
                    return null;
                }

                @Override
                public PrivateKey getPrivateKey(String alias) {
                    return null;
                }
            };
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType) {
            chain = List.of(certificates);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket) {
            chain = List.of(certificates);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine) {
            chain = List.of(certificates);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            throw new CertificateException("a client never checks clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client never checks clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client never checks clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
