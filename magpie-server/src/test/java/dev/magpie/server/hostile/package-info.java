/**
 * Attacks on the broker as a separate process ({@code magpie serve}, started with
 * {@link dev.magpie.server.cli.ServeProcess}), for findings about exhaustion, where the test JVM must not share
 * the broker's CPU, heap or threads: {@link dev.magpie.server.hostile.WrongPasswordFloodProcessTest} and
 * {@link dev.magpie.server.hostile.UnreadAnswersExhaustionTest} (issue 10; the latter starts the broker through
 * {@code bin/magpie} and reads the process's own figures: {@code /proc/PID/status}, its command line, its log).
 * The in-process attack suite, with good traffic running beside each attack, is {@code dev.magpie.hostile} in
 * magpie-broker.
 */
package dev.magpie.server.hostile;
