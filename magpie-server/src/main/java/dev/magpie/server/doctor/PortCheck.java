package dev.magpie.server.doctor;

/**
 * Mini programs in production connect to 443. WeChat accepts another port only when the whitelisted socket
 * domain names it ({@code wss://host:8443}), and many office and mobile networks let nothing but 80 and 443 out,
 * so any other port is a warning, not a failure.
 */
final class PortCheck {

    private PortCheck() {
    }

    static CheckResult run(Target target) {
        if (target.port() == 443) {
            return CheckResult.pass(Check.PORT, "443, the HTTPS port every network lets through");
        }
        return CheckResult.warn(Check.PORT, "port " + target.port() + " is not 443: WeChat accepts it only if the"
                        + " socket domain is whitelisted as wss://" + target.hostHeader() + ", and some networks block it",
                "serve wss on 443 (the listener itself, or nginx on 443 in front; see docs/wechat.md)");
    }
}
