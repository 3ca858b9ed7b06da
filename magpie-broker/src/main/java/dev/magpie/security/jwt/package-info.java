/**
 * An {@link dev.magpie.spi.Authenticator} for signed JSON Web Tokens carried in the CONNECT password (or user
 * name): {@link dev.magpie.security.jwt.JwtAuthenticator} verifies HS256, RS256 or ES256 signatures with
 * Nimbus JOSE+JWT against exactly the one configured algorithm and key set (so neither {@code alg: none}
 * nor an HMAC forged with a public key passes), checks {@code exp}/{@code nbf}/{@code iss}/{@code aud},
 * takes the user name from a claim and an ACL from another ({@link dev.magpie.security.acl.GrantedAcl}).
 * {@link dev.magpie.security.jwt.JwtKeys} reads the keys (secret, PEM public key or certificate, JWKS).
 * Depends on {@code spi} and {@code security.acl}; nimbus-jose-jwt must be on the class path to use it.
 */
package dev.magpie.security.jwt;
