package dev.magpie.transport;

import dev.magpie.observe.BrokerMetrics;
import dev.magpie.protocol.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sits right after the TLS handler until the handshake ends. A failed handshake (unknown CA, expired
 * certificate, an old protocol version, plain MQTT or HTTP sent to a TLS port, a timeout) is an expected
 * event: it is logged once, in one line with the client address and the reason, the connection is closed,
 * and the exceptions that follow are swallowed so no stack trace reaches the log; it is counted in
 * {@code magpie.tls.handshake.failures{listener, kind}}. A successful handshake removes this handler.
 */
final class TlsHandshakeWatcher extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeWatcher.class);

    private static final Pattern OPENSSL_ERROR = Pattern.compile("error:[0-9a-fA-F]+:[^:]*:[^:]*:(\\S+)");

    private final String listenerName;
    private final BrokerMetrics metrics;
    private boolean failed;

    TlsHandshakeWatcher(String listenerName, BrokerMetrics metrics) {
        this.listenerName = listenerName;
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                ctx.pipeline().remove(this);
            } else {
                fail(ctx, done.cause());
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // before the handshake completes every exception is part of its failure
        fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!failed) {
            failed = true;
            LOG.info("listener {}: TLS handshake with {} failed: {}", listenerName, ClientAddress.of(ctx.channel()), reason(cause));
            metrics.tlsHandshakeFailed(listenerName, kind(cause));
        }
        ctx.close();
    }

    /**
     * The few kinds a dashboard can tell apart: {@code not_tls} (plain MQTT or HTTP to a TLS port), {@code timeout},
     * {@code closed} (the peer went away mid-handshake), {@code certificate} (a client certificate refused, or the
     * client refused ours), {@code other} (protocol version, cipher suites, ...).
     */
    static String kind(Throwable cause) {
        String text = reason(cause);
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return "not_tls";
            }
            if (t instanceof SslHandshakeTimeoutException) {
                return "timeout";
            }
            if (t instanceof ClosedChannelException) {
                return "closed";
            }
            if (t instanceof CertificateException) {
                return "certificate";
            }
        }
        return text.contains("certificate") ? "certificate" : "other";
    }

    static String reason(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof NotSslRecordException)) {
            t = t.getCause();
        }
        if (t instanceof NotSslRecordException) {
            return "not TLS (plain MQTT or HTTP sent to a TLS port?)";
        }
        if (t instanceof SslHandshakeTimeoutException) {
            return "handshake timed out";
        }
        if (t instanceof ClosedChannelException) {
            return "connection closed during the handshake";
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        Matcher openssl = OPENSSL_ERROR.matcher(message);
        if (openssl.matches()) {
            // "error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN" → "sslv3 alert certificate unknown"
            message = openssl.group(1).replace('_', ' ').toLowerCase(Locale.ROOT);
        }
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
