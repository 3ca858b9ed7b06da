package dev.magpie.session;

import dev.magpie.codec.Publish;

/**
 * What a persistent session tells the store about its QoS 1/2 messages as they move: queued, taken from the
 * queue, sent (in flight, by packet id), moved on by PUBREC, completed; and the inbound QoS 2 packet ids it
 * awaits PUBREL for. Messages that came through a shared subscription are not journaled: they belong to the
 * group, which hands them to another member when this one leaves (spec 4.8.2). Called on the session's
 * thread; implementations only queue writes.
 */
interface SessionJournal {
    SessionJournal NONE = new SessionJournal() {
        @Override
        public void queued(PendingMessage message) {
        }

        @Override
        public void dequeued(PendingMessage message) {
        }

        @Override
        public void inflight(int packetId, Publish sent, OutboundFlow.State state) {
        }

        @Override
        public void completed(int packetId) {
        }

        @Override
        public void inboundQos2(int packetId, boolean awaiting) {
        }
    };

    void queued(PendingMessage message);

    void dequeued(PendingMessage message);

    void inflight(int packetId, Publish sent, OutboundFlow.State state);

    void completed(int packetId);

    void inboundQos2(int packetId, boolean awaiting);
}
