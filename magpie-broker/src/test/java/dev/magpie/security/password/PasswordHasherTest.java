package dev.magpie.security.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Magpie's own format round-trips; mosquitto's {@code $6$} and {@code $7$} hashes, built here with the JDK
 * exactly as {@code mosquitto_passwd} builds them, verify; anything malformed is simply false.
 * The comparison itself is {@code MessageDigest.isEqual} (constant time), checked by review.
 */
class PasswordHasherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final PasswordHasher fast = new PasswordHasher(1_000);

    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String hash = fast.hash("s3cret-pässword".toCharArray());
        assertThat(fast.verify("s3cret-pässword".toCharArray(), hash)).isTrue();
        assertThat(fast.verify("s3cret-pässword".getBytes(StandardCharsets.UTF_8), hash)).isTrue();
        assertThat(fast.verify("s3cret-password".toCharArray(), hash)).isFalse();
        assertThat(fast.verify(new byte[0], hash)).isFalse();
    }

    @Test
    void theFormatNamesAlgorithmIterationsSaltAndKey() {
        String hash = fast.hash("x".toCharArray());
        assertThat(hash).matches("\\$pbkdf2-sha512\\$i=1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{86}");
        assertThat(PasswordHasher.schemeOf(hash)).contains(PasswordHasher.Scheme.PBKDF2_SHA512);
    }

    @Test
    void theDefaultCostIs50000Iterations() {
        PasswordHasher standard = new PasswordHasher();
        assertThat(standard.iterations()).isEqualTo(50_000);
        String hash = standard.hash("pw".toCharArray());
        assertThat(hash).startsWith("$pbkdf2-sha512$i=50000$");
        assertThat(fast.verify("pw".toCharArray(), hash)).isTrue(); // the cost travels with the hash
    }

    @Test
    void hashesOfTheOldDefaultCostKeepVerifyingAndAreNotDowngraded() {
        String old = new PasswordHasher(210_000).hash("pw".toCharArray()); // written before issue 10 lowered the default
        PasswordHasher standard = new PasswordHasher();
        assertThat(standard.verify("pw".toCharArray(), old)).isTrue();
        assertThat(standard.needsRehash(old)).as("a costlier hash is kept").isFalse();
        assertThat(PasswordHasher.iterationsOf(old)).hasValue(210_000);
    }

    @Test
    void aDummyHashCostsWhatItsModelCostsAndNothingMatchesIt() {
        // CWE-208: an unknown user is checked against a dummy so it is refused as slowly as a wrong password
        String mosquitto = "$7$101$" + java.util.Base64.getEncoder().encodeToString(new byte[12]) + "$"
                + java.util.Base64.getEncoder().encodeToString(new byte[64]);
        String dummy = fast.dummyLike(mosquitto);
        assertThat(dummy).startsWith("$7$101$");
        assertThat(PasswordHasher.schemeOf(dummy)).contains(PasswordHasher.Scheme.MOSQUITTO_PBKDF2_SHA512);
        long before = fast.work();
        assertThat(fast.verify("".getBytes(StandardCharsets.UTF_8), dummy)).isFalse();
        assertThat(fast.work() - before).isEqualTo(101);
        assertThat(PasswordHasher.iterationsOf(fast.dummy())).hasValue(fast.iterations());
        assertThat(fast.dummy()).isNotEqualTo(fast.dummy());
    }

    @Test
    void everyHashHasItsOwnSalt() {
        assertThat(fast.hash("same".toCharArray())).isNotEqualTo(fast.hash("same".toCharArray()));
    }

    @Test
    void anEmptyPasswordCanBeHashedAndChecked() {
        String hash = fast.hash(new char[0]);
        assertThat(fast.verify(new char[0], hash)).isTrue();
        assertThat(fast.verify("a".toCharArray(), hash)).isFalse();
    }

    @Test
    void iterationsOutsideTheAllowedRangeAreRefused() {
        assertThatThrownBy(() -> new PasswordHasher(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(PasswordHasher.MAX_ITERATIONS + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void needsRehashForOtherFormatsAndLowerCosts() throws Exception {
        assertThat(fast.needsRehash(fast.hash("a".toCharArray()))).isFalse();
        assertThat(new PasswordHasher(2_000).needsRehash(fast.hash("a".toCharArray()))).isTrue();
        assertThat(fast.needsRehash(mosquitto7("a", 101, 12))).isTrue();
        assertThat(fast.needsRehash("garbage")).isTrue();
    }

    @Test
    void ourPbkdf2AgreesWithTheJdksOnTextPasswords() throws Exception {
        for (String password : List.of("password", "", "ünïcødé ✓", "a much longer password than the block size of sha-512 "
                + "which is one hundred and twenty eight bytes long, so the key gets hashed first by HMAC")) {
            byte[] salt = bytes(16);
            byte[] ours = PasswordHasher.pbkdf2(password.getBytes(StandardCharsets.UTF_8), salt, 7, 64);
            assertThat(ours).as(password).isEqualTo(jdkPbkdf2(password, salt, 7, 64));
        }
        // more than one block of output
        byte[] salt = bytes(12);
        assertThat(PasswordHasher.pbkdf2("pw".getBytes(StandardCharsets.UTF_8), salt, 3, 100)).isEqualTo(jdkPbkdf2("pw", salt, 3, 100));
    }

    @Test
    void verifiesMosquittoSha512Hashes() throws Exception {
        // mosquitto 1.x: $6$<base64 salt>$<base64 sha512(password bytes || salt)>, 12-byte salt, padded base64
        String hash = mosquitto6("mosquitto-pw", 12);
        assertThat(PasswordHasher.schemeOf(hash)).contains(PasswordHasher.Scheme.MOSQUITTO_SHA512);
        assertThat(fast.verify("mosquitto-pw".toCharArray(), hash)).isTrue();
        assertThat(fast.verify("mosquitto-pX".toCharArray(), hash)).isFalse();
        // newer mosquitto writes 64-byte salts
        assertThat(fast.verify("pw".toCharArray(), mosquitto6("pw", 64))).isTrue();
    }

    @Test
    void verifiesMosquittoPbkdf2Hashes() throws Exception {
        // mosquitto 2.x: $7$<iterations>$<base64 salt>$<base64 pbkdf2-hmac-sha512(password, salt, iterations, 64)>
        String hash = mosquitto7("mosquitto-pw", 101, 12);
        assertThat(PasswordHasher.schemeOf(hash)).contains(PasswordHasher.Scheme.MOSQUITTO_PBKDF2_SHA512);
        assertThat(fast.verify("mosquitto-pw".toCharArray(), hash)).isTrue();
        assertThat(fast.verify("Mosquitto-pw".toCharArray(), hash)).isFalse();
        assertThat(fast.verify("pw".toCharArray(), mosquitto7("pw", 1000, 64))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "plain-text-password", "$", "$$", "$6$", "$6$c2FsdHNhbHRzYWx0", "$6$!!!!$!!!!", "$5$abc$def",
            "$7$$c2FsdHNhbHRzYWx0$AAAA", "$7$abc$c2FsdHNhbHRzYWx0$AAAA", "$7$0$c2FsdHNhbHRzYWx0$AAAA",
            "$7$-5$c2FsdHNhbHRzYWx0$AAAA", "$7$+5$c2FsdHNhbHRzYWx0$AAAA", "$7$99999999999$c2FsdHNhbHRzYWx0$AAAA",
            "$pbkdf2-sha512$i=$c2FsdHNhbHRzYWx0$AAAA", "$pbkdf2-sha512$1000$c2FsdHNhbHRzYWx0$AAAA",
            "$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$AAAA", " $6$c2FsdHNhbHRzYWx0$AAAA"})
    void malformedOrUnknownHashesNeverVerify(String encoded) {
        assertThat(fast.verify("anything".toCharArray(), encoded)).isFalse();
        assertThat(fast.verify(new byte[0], encoded)).isFalse();
        assertThat(PasswordHasher.schemeOf(encoded)).isEmpty();
    }

    @Test
    void damagedHashesNeverVerify() throws Exception {
        String good = mosquitto7("pw", 101, 12);
        assertThat(fast.verify("pw".toCharArray(), good + "$")).isFalse();
        assertThat(fast.verify("pw".toCharArray(), good + "$extra")).isFalse();
        assertThat(fast.verify("pw".toCharArray(), good.substring(0, good.length() - 4))).isFalse(); // short key
        assertThat(fast.verify("pw".toCharArray(), good.replace("$101$", "$102$"))).isFalse();
        assertThat(fast.verify("pw".toCharArray(), (String) null)).isFalse();
        assertThat(fast.verify((char[]) null, good)).isFalse();
        // a cost beyond the cap is refused without being computed
        assertThat(fast.verify("pw".toCharArray(), good.replace("$101$", "$" + (PasswordHasher.MAX_ITERATIONS + 1) + "$"))).isFalse();
    }

    @Test
    void verifiesHashesMadeByMosquittoPasswdWhenInstalled(@TempDir Path dir) throws Exception {
        Path tool = findOnPath("mosquitto_passwd");
        assumeTrue(tool != null, "mosquitto_passwd is not installed (Debian package 'mosquitto'); skipped");
        Path file = dir.resolve("passwd");
        Process p = new ProcessBuilder(tool.toString(), "-c", "-b", file.toString(), "alice", "wonder land").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String line = Files.readAllLines(file).get(0);
        String hash = line.substring(line.indexOf(':') + 1).strip();
        assertThat(fast.verify("wonder land".toCharArray(), hash)).isTrue();
        assertThat(fast.verify("wonderland".toCharArray(), hash)).isFalse();
    }

    // -- helpers: mosquitto's formats built independently with the JDK ---------------------------------

    static String mosquitto6(String password, int saltLength) throws Exception {
        byte[] salt = bytes(saltLength);
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        sha.update(password.getBytes(StandardCharsets.UTF_8));
        sha.update(salt);
        return "$6$" + Base64.getEncoder().encodeToString(salt) + "$" + Base64.getEncoder().encodeToString(sha.digest());
    }

    static String mosquitto7(String password, int iterations, int saltLength) throws Exception {
        byte[] salt = bytes(saltLength);
        return "$7$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(jdkPbkdf2(password, salt, iterations, 64));
    }

    private static byte[] jdkPbkdf2(String password, byte[] salt, int iterations, int length) throws Exception {
        SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        return factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, length * 8)).getEncoded();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
