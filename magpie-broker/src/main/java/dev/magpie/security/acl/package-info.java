/**
 * The ACL rule engine: {@link dev.magpie.security.acl.AclRule}s (read / write / readwrite / deny on a topic
 * filter, for everyone, anonymous clients or one user, optionally a {@code %u}/{@code %c} pattern or a
 * literal-filter rule) evaluated by {@link dev.magpie.security.acl.AclAuthorizer}, an
 * {@link dev.magpie.spi.Authorizer} that also explains its decisions. {@link dev.magpie.security.acl.TopicFilters}
 * holds the matching and filter-covers-filter logic. Depends only on {@code spi}; used by the server's
 * configuration, the mosquitto file readers and embedding applications.
 */
package dev.magpie.security.acl;
