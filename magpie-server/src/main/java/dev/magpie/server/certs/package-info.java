/**
 * Magpie's own small certificate authority: what {@code magpie certs} runs, and what {@code serve --dev} and
 * tests use to get a working TLS setup without openssl recipes.
 *
 * <p>This package owns key generation ({@link dev.magpie.server.certs.KeySpec}), issuing a self-signed CA and the
 * server and client certificates it signs ({@link dev.magpie.server.certs.CertificateAuthority}), and the file
 * formats they are exchanged in: PEM certificates and PKCS#8 private keys ({@link dev.magpie.server.certs.Pem}),
 * password-protected PKCS#12 bundles ({@link dev.magpie.server.certs.Pkcs12}), and writing them with the right
 * permissions and without silently overwriting ({@link dev.magpie.server.certs.CertFiles}). It knows nothing of
 * the command line: {@code dev.magpie.server.cli} turns flags into calls here and prints the result.
 *
 * <p>BouncyCastle is used only to build and encode X.509 and PKCS structures. Key pairs, signatures and
 * PKCS#12 encryption run on the JDK's own providers, so the fat jar (whose BouncyCastle jar signatures are
 * stripped by shading) never needs BouncyCastle registered as a JCE provider.
 *
 * <p>Failures of the input (a bad name, a missing or mismatched CA, a file that would be overwritten) are
 * {@link dev.magpie.server.certs.CertsException}s whose message says what to do; I/O failures stay
 * {@link java.io.IOException}s.
 */
package dev.magpie.server.certs;
