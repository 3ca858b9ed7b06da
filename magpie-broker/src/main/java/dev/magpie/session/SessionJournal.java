package dev.magpie.session;

import dev.magpie.codec.Publish;

/**
 * What a persistent session tells the store about its QoS 1/2 messages as they move: queued, sent (taken from
 * the queue into the in-flight window in one step), moved on by PUBREC, completed; and the inbound QoS 2
 * packet ids it awaits PUBREL for. Messages that came through a shared subscription are journaled with their
 * group, so they survive a restart and can still go to another member (spec 4.8.2). Called on the session's
 * thread; implementations only queue writes.
 *
 * <p><b>Commit order.</b> With durable acknowledgements ({@link #gates()}) the session puts nothing on the wire
 * that a crash could contradict: a PUBLISH is sent once its in-flight record is committed, a PUBREL once the
 * PUBREC's state change is, a PUBCOMP once the id's release is. {@link #afterCommit} is how it waits.
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
        public void sent(PendingMessage message, boolean fromQueue, int packetId, Publish sent, OutboundFlow.State state) {
        }

        @Override
        public void inflight(int packetId, Publish sent, OutboundFlow.State state, String sharedGroup) {
        }

        @Override
        public void completed(int packetId) {
        }

        @Override
        public void inboundQos2(int packetId, long fingerprint, long origin, boolean awaiting) {
        }

        @Override
        public void inboundQos2Owned(int packetId) {
        }

        @Override
        public boolean gates() {
            return false;
        }

        @Override
        public void afterCommit(Runnable onSessionThread) {
            onSessionThread.run();
        }
    };

    void queued(PendingMessage message);

    void dequeued(PendingMessage message);

    /** A message went into the in-flight window; {@code fromQueue}: its queued record is replaced in the same step. */
    void sent(PendingMessage message, boolean fromQueue, int packetId, Publish sent, OutboundFlow.State state);

    /** An in-flight message's state changed (PUBREC received). */
    void inflight(int packetId, Publish sent, OutboundFlow.State state, String sharedGroup);

    void completed(int packetId);

    /** An inbound QoS 2 id taken ({@code awaiting}) or released; a non-zero {@code origin} takes it as not yet owned. */
    void inboundQos2(int packetId, long fingerprint, long origin, boolean awaiting);

    /** The routing of the inbound QoS 2 message holding {@code packetId} is durable: the broker owns it. */
    void inboundQos2Owned(int packetId);

    /** Whether what the session sends must wait for {@link #afterCommit}. */
    boolean gates();

    /**
     * Runs {@code onSessionThread} on the session's thread once everything journaled before is committed; at
     * once (inline) when the journal does not gate.
     */
    void afterCommit(Runnable onSessionThread);
}
