package dev.magpie.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.magpie.security.acl.GrantedAcl;
import dev.magpie.spi.AuthResult;
import dev.magpie.spi.Authenticator;
import dev.magpie.spi.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Admits clients that present a signed JWT, by default in the CONNECT password:
 * <ol>
 *   <li>something that is not a JWT at all (an ordinary password) is left to the next authenticator;</li>
 *   <li>an unsigned ({@code alg: none}) or encrypted token, or one whose header names another algorithm
 *       than the configured one, is denied: the configuration, never the token, chooses the algorithm;</li>
 *   <li>the signature must verify with one of the {@link JwtKeys} (by {@code kid} when the token names one);</li>
 *   <li>{@code exp} must be in the future (required unless turned off) and {@code nbf} in the past, both with
 *       a small leeway for clock skew; {@code iss} and {@code aud} must match when configured;</li>
 *   <li>the user name is the {@code usernameClaim} (default {@code sub}); when the token travels in the
 *       password and the client also sent a user name, the two must agree unless
 *       {@link Builder#matchUsername(boolean)} is off (for fleets that send a fixed dummy user name);</li>
 *   <li>the {@code aclClaim} (default {@code acl}), if present, becomes the client's {@link GrantedAcl}:
 *       {@code {"pub": [...], "sub": [...], "all": [...], "deny": [...]}}.</li>
 * </ol>
 * Verification is CPU work of well under a millisecond and runs on the broker's authentication executor.
 *
 * <pre>{@code
 * Broker.builder()
 *     .authenticator(JwtAuthenticator.builder(JwtKeys.pemFile(JwtAlgorithm.RS256, Path.of("issuer.pem")))
 *             .issuer("https://login.example.com").audience("mqtt").build())
 *     .authorizer(new GrantedAcl.Authorizer(Decision.NEXT))
 * }</pre>
 */
public final class JwtAuthenticator implements Authenticator {
    /** Where the client puts the token. */
    public enum TokenField { PASSWORD, USERNAME }

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

    private final JwtKeys keys;
    private final TokenField tokenField;
    private final String usernameClaim;
    private final String aclClaim;
    private final String issuer;
    private final String audience;
    private final Duration leeway;
    private final boolean requireExpiry;
    private final boolean matchUsername;
    private final Clock clock;

    private JwtAuthenticator(Builder b) {
        this.keys = b.keys;
        this.tokenField = b.tokenField;
        this.usernameClaim = b.usernameClaim;
        this.aclClaim = b.aclClaim;
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.leeway = b.leeway;
        this.requireExpiry = b.requireExpiry;
        this.matchUsername = b.matchUsername;
        this.clock = b.clock;
    }

    public static Builder builder(JwtKeys keys) {
        return new Builder(keys);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(Credentials credentials) {
        return CompletableFuture.completedFuture(decide(credentials));
    }

    private AuthResult decide(Credentials credentials) {
        String token = tokenField == TokenField.PASSWORD
                ? (credentials.password() == null ? null : new String(credentials.password(), StandardCharsets.UTF_8))
                : credentials.username();
        if (token == null || !looksLikeJwt(token)) {
            return AuthResult.next();
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return AuthResult.next(); // three dotted parts, but not a token: an unusual password
        }
        if (jwt instanceof PlainJWT) {
            return refuse(credentials, "unsigned token (alg none)");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return refuse(credentials, "encrypted tokens are not accepted");
        }
        if (!keys.algorithm().jose().equals(signed.getHeader().getAlgorithm())) {
            return refuse(credentials, "token algorithm " + signed.getHeader().getAlgorithm() + " is not the configured " + keys.algorithm());
        }
        if (!verified(signed)) {
            return refuse(credentials, "bad signature");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return refuse(credentials, "malformed claims");
        }
        String problem = timeAndAudienceProblem(claims);
        if (problem != null) {
            return refuse(credentials, problem);
        }
        Object name = claims.getClaim(usernameClaim);
        if (!(name instanceof String username) || username.isEmpty()) {
            return refuse(credentials, "no '" + usernameClaim + "' claim naming the user");
        }
        if (matchUsername && tokenField == TokenField.PASSWORD && credentials.username() != null && !credentials.username().isEmpty()
                && !credentials.username().equals(username)) {
            return refuse(credentials, "user name '" + credentials.username() + "' is not the token's '" + username + "'");
        }
        AuthResult allowed = AuthResult.allowAs(username);
        Object acl = aclClaim.isEmpty() ? null : claims.getClaim(aclClaim);
        if (acl == null) {
            return allowed;
        }
        try {
            return GrantedAcl.fromClaim(acl).grant(allowed);
        } catch (IllegalArgumentException e) {
            return refuse(credentials, "unusable '" + aclClaim + "' claim: " + e.getMessage());
        }
    }

    private static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first && token.length() < 16 * 1024;
    }

    private boolean verified(SignedJWT signed) {
        for (JWSVerifier verifier : keys.candidates(signed.getHeader().getKeyID())) {
            try {
                if (signed.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // a verifier that cannot handle this token is a non-match, the next key may
            }
        }
        return false;
    }

    /** Why the token's times, issuer or audience rule it out, or null. */
    private String timeAndAudienceProblem(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null && requireExpiry) {
            return "the token has no expiry (exp)";
        }
        if (exp != null && !now.isBefore(exp.toInstant().plus(leeway))) {
            return "token expired at " + exp.toInstant();
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant().minus(leeway))) {
            return "token not valid before " + nbf.toInstant();
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            return "issuer " + claims.getIssuer() + " is not " + issuer;
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            return "audience " + claims.getAudience() + " does not include " + audience;
        }
        return null;
    }

    private static AuthResult refuse(Credentials credentials, String why) {
        LOG.info("JWT of client {} refused: {}", credentials.clientId(), why);
        return AuthResult.deny("JWT: " + why);
    }

    /** Settings of a {@link JwtAuthenticator}; only the keys are required. */
    public static final class Builder {
        private final JwtKeys keys;
        private TokenField tokenField = TokenField.PASSWORD;
        private String usernameClaim = "sub";
        private String aclClaim = "acl";
        private String issuer;
        private String audience;
        private Duration leeway = Duration.ofSeconds(30);
        private boolean requireExpiry = true;
        private boolean matchUsername = true;
        private Clock clock = Clock.systemUTC();

        private Builder(JwtKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
        }

        /** Where the token is: the password (default) or the user name. */
        public Builder tokenIn(TokenField field) {
            this.tokenField = Objects.requireNonNull(field, "field");
            return this;
        }

        /** The claim holding the user name; {@code sub} by default. */
        public Builder usernameClaim(String claim) {
            this.usernameClaim = requireText(claim, "username claim");
            return this;
        }

        /** The claim holding the client's ACL; {@code acl} by default, {@code ""} to ignore ACL claims. */
        public Builder aclClaim(String claim) {
            this.aclClaim = Objects.requireNonNull(claim, "claim");
            return this;
        }

        /** Require {@code iss} to be exactly this. */
        public Builder issuer(String value) {
            this.issuer = requireText(value, "issuer");
            return this;
        }

        /** Require {@code aud} to include this. */
        public Builder audience(String value) {
            this.audience = requireText(value, "audience");
            return this;
        }

        /** Clock skew tolerated for {@code exp} and {@code nbf}; 30 s by default, at most 10 minutes. */
        public Builder leeway(Duration value) {
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("leeway must be between 0s and 10m");
            }
            this.leeway = value;
            return this;
        }

        /** Whether a token without {@code exp} is refused; true by default (a token that never expires cannot be revoked). */
        public Builder requireExpiry(boolean value) {
            this.requireExpiry = value;
            return this;
        }

        /**
         * Whether a user name sent beside a token in the password must equal the token's user name; true by
         * default. Either way the client is known by the token's name afterwards.
         */
        public Builder matchUsername(boolean value) {
            this.matchUsername = value;
            return this;
        }

        /** The clock to check times against (tests). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be empty");
            }
            return value;
        }

        public JwtAuthenticator build() {
            return new JwtAuthenticator(this);
        }
    }
}
