/**
 * Netty bootstrap: event-loop groups (native epoll where available, NIO otherwise), one channel initializer
 * per listener kind with named handlers, and per-listener connection limits. TLS and WebSocket initializers
 * join here in the transports issue. Calls {@code protocol} to create each connection's handler.
 */
package dev.magpie.transport;
