/**
 * Exhaustion attacks on the broker as it ships (issue 10): a real {@code bin/magpie serve} process with a small heap,
 * attacked over loopback while a well-behaved client keeps exchanging messages; the tests read the process's own
 * figures ({@code /proc/PID/status}, its command line, its log) rather than trusting the broker's view of itself.
 */
package dev.magpie.server.exhaustion;
