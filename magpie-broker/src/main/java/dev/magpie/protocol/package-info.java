/**
 * One connection's MQTT state machine: the CONNECT gate (authentication, who may use a client id
 * ({@code ClientIdOwnership}), session takeover, CONNACK; the operator's barriers before authentication in
 * {@code ConnectScreen}, every refusal's CONNACK in {@code ConnectRefusal}), what the connection keeps until its client
 * is in ({@code PendingConnect}: the CONNECT deadline, held packets), the AUTH exchanges of enhanced authentication
 * (at CONNECT and re-authentication), keep-alive ({@code KeepAlive}), inbound PUBLISH with its QoS handshakes,
 * SUBSCRIBE/UNSUBSCRIBE, DISCONNECT, and the publish pipeline (interceptors, retained, routing) shared with
 * {@code Broker.publish}; the rules of a session's life ({@link dev.magpie.protocol.SessionRules}) and what acts on
 * them ({@code SessionLifecycle}, {@code SessionPersistence}: restore, wills, expiry, durable acknowledgements);
 * backpressure on what a client is owed ({@code ReadGate}: the one home of every reason not to read a client, a full
 * output among them; {@code ConnectionOutput}: answers flushed once per read, yielding the loop, reads stopped while
 * the output is full; {@code OutputWatch}: closing a client whose output does not drain). Each class gets the
 * collaborators it uses: {@link dev.magpie.protocol.Admission} for the CONNECT gate,
 * {@link dev.magpie.protocol.FlowServices} for the flows after it, {@link dev.magpie.protocol.ConnectionServices} for
 * what a transport gives each connection. Talks to sessions, routing and security through their public types; called
 * by {@code transport}, which builds the Netty pipeline.
 */
package dev.magpie.protocol;
