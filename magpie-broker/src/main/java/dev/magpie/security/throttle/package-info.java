/**
 * Protection of the costly password checks (issue 10): {@link dev.magpie.security.throttle.LoginThrottle}
 * (failed-login backoff per address and per user name, with trusted address/user pairs, in bounded tables),
 * {@link dev.magpie.security.throttle.FairExecutor} (the threads that run checks, round-robin between addresses,
 * bounded per address and in all) and {@link dev.magpie.security.throttle.AddressKey} (what counts as one address:
 * IPv4, or an IPv6 /64). Used by {@link dev.magpie.security.AuthenticationChain}, which the broker builds from
 * {@code LoginLimits}; pure JDK, no dependency on the rest of the broker.
 */
package dev.magpie.security.throttle;
