/**
 * Who may not connect at all: the {@link dev.magpie.security.ban.BanList} (client ids, user names, IP
 * addresses and CIDR blocks, each permanent or until a time) and the
 * {@link dev.magpie.security.ban.FlappingDetector}, which bans a client id or address that connects too often.
 * Both are thread-safe: bans are read by every event loop and changed at run time through
 * {@code Broker.bans()}. Called by {@code transport} (addresses, before a byte is read) and {@code protocol}
 * (the CONNECT gate); depends only on {@code spi} and {@link dev.magpie.security.AddressRange}.
 */
package dev.magpie.security.ban;
