/**
 * One connection's MQTT state machine: the CONNECT gate (authentication, session takeover, CONNACK), the AUTH
 * exchanges of enhanced authentication (at CONNECT and re-authentication),
 * keep-alive, inbound PUBLISH with its QoS handshakes, SUBSCRIBE/UNSUBSCRIBE, DISCONNECT, and the publish
 * pipeline (interceptors, retained, routing) shared with {@code Broker.publish}. Talks to sessions, routing
 * and security through their public types; called by {@code transport}, which builds the Netty pipeline.
 */
package dev.magpie.protocol;
