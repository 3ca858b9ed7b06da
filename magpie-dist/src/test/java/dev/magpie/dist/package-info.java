/**
 * Tests of the release archives themselves ({@code magpie-<version>.tar.gz} and {@code .zip}, built by this module in
 * {@code package}): unpacked into a temporary directory and run as a user would, with only a Java runtime (no
 * Maven, no source tree); the container image's paths and entrypoint against the unpacked archive; the Windows
 * launcher's text; the third-party notice against the jar's contents. They run in {@code integration-test}, after the
 * archives exist, still within {@code mvn verify}.
 */
package dev.magpie.dist;
