/**
 * Where messages go: the subscription tree (wildcards, {@code $}-topic rules), the retained-message index,
 * and the distributor that fans one message out to the matching sessions. Never touches a Netty channel.
 */
package dev.magpie.routing;
