package dev.magpie.security.password;

import dev.magpie.spi.Authenticator;

/**
 * An {@link Authenticator} that checks passwords against stored hashes and answers {@code NEXT} for user names it
 * does not know. The authentication chain calls {@link #checkUnknownUser} once when every authenticator passed on
 * a user name with a password, so refusing an unknown name costs the same hashing work as refusing a known name
 * with a wrong password, and the response time does not tell an attacker which names exist (CWE-208). It is done
 * once per chain, not in each authenticator, so a chain of two password tables costs one hash for a name in
 * either table and one for a name in neither.
 *
 * <pre>{@code
 * public void checkUnknownUser(byte[] password) {
 *     hasher.verify(password, dummyHash); // never matches, costs what a real check costs
 * }
 * }</pre>
 */
public interface PasswordAuthenticator extends Authenticator {
    /** Does the work of checking {@code password} against a hash like this authenticator's; never throws. */
    void checkUnknownUser(byte[] password);
}
