package dev.magpie.server.doctor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The host must be a domain name that resolves. WeChat refuses IP addresses outright: the socket domain list in
 * the mini program's admin console takes only registered (and, in mainland China, ICP-filed) domains. An IP
 * literal therefore fails, but its address is still used so the later checks can say what else is wrong.
 */
final class NameCheck {

    private NameCheck() {
    }

    /** The addresses to connect to, empty when the name does not resolve. */
    static List<InetAddress> run(Target target, Duration timeout, Results results) {
        if (target.hostIsIpLiteral()) {
            results.add(CheckResult.fail(Check.DNS_NAME,
                    target.host() + " is an IP address; WeChat only connects to a registered domain name",
                    "point a domain (ICP-filed if the server is in mainland China) at this address, get a certificate"
                            + " for it and whitelist wss://that.domain in the mini program's admin console"));
            try {
                return List.of(InetAddress.getByName(target.host())); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                return List.of();
            }
        }
        List<InetAddress> addresses;
        try {
            addresses = resolve(target.host(), timeout);
        } catch (UnknownHostException e) {
            results.add(CheckResult.fail(Check.DNS_NAME, target.host() + " does not resolve (no A or AAAA record)",
                    "create an A (IPv4) or AAAA (IPv6) record for " + target.host()
                            + " pointing at the server, then check with: dig " + target.host()));
            return List.of();
        } catch (TimeoutException e) {
            results.add(CheckResult.fail(Check.DNS_NAME, "looking up " + target.host() + " took longer than "
                            + Durations.text(timeout),
                    "check this machine's DNS resolver (/etc/resolv.conf) and the domain's name servers"));
            return List.of();
        }
        results.add(resolved(target.host(), addresses));
        return addresses;
    }

    /**
     * What the resolved addresses mean: a name that points only at private (LAN) addresses works in the office
     * but not for a phone on a mobile network, so it warns. Loopback passes, with a note: it is what the
     * developer tools on the same machine use.
     */
    static CheckResult resolved(String host, List<InetAddress> addresses) {
        String list = addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
        if (addresses.stream().allMatch(InetAddress::isLoopbackAddress)) {
            return CheckResult.pass(Check.DNS_NAME, host + " -> " + list + " (loopback: reachable from this machine only)");
        }
        if (addresses.stream().allMatch(a -> a.isLoopbackAddress() || isPrivate(a))) {
            return CheckResult.warn(Check.DNS_NAME, host + " -> " + list + ": private addresses only, which phones"
                            + " outside this network cannot reach",
                    "give " + host + " a public address in public DNS (the server's or its load balancer's)");
        }
        return CheckResult.pass(Check.DNS_NAME, host + " -> " + list);
    }

    /** RFC 1918 and link-local IPv4, link-local and unique local (fc00::/7, RFC 4193) IPv6. */
    private static boolean isPrivate(InetAddress address) {
        byte[] bytes = address.getAddress();
        boolean uniqueLocalV6 = bytes.length == 16 && (bytes[0] & 0xFE) == 0xFC;
        return address.isSiteLocalAddress() || address.isLinkLocalAddress() || uniqueLocalV6;
    }

    /**
     * {@link InetAddress#getAllByName} has no timeout of its own, so it runs on a daemon thread that is left
     * behind if the resolver hangs; the JVM's resolver gives up on its own eventually.
     */
    private static List<InetAddress> resolve(String host, Duration timeout)
            throws UnknownHostException, TimeoutException {
        CompletableFuture<List<InetAddress>> lookup = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                lookup.complete(Arrays.asList(InetAddress.getAllByName(host)));
            } catch (UnknownHostException | RuntimeException e) {
                lookup.completeExceptionally(e);
            }
        }, "magpie-doctor-dns");
        thread.setDaemon(true);
        thread.start();
        try {
            return lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            throw new UnknownHostException(host + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }
}
