package dev.magpie.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.magpie.session.Session;
import dev.magpie.spi.ClientInfo;
import io.netty.util.concurrent.EventExecutor;

/**
 * Where the CONNECT gate asks, before it admits a client id, whether this node may own it: the cluster's ownership
 * ({@code dev.magpie.cluster.session.ClusterSessions}) or, for a single broker, {@link #LOCAL}, which always answers
 * yes at once and keeps the gate's path as it was. The gate waits for the answer without blocking its event loop
 * (the CONNACK goes out when the stage completes); the stage may complete on any thread.
 */
public interface ClientIdClaims {

    /** A single broker: every id is this node's, and nothing is recorded. */
    ClientIdClaims LOCAL = new ClientIdClaims() {
        @Override
        public CompletionStage<Answer> claim(ClientInfo client, boolean persistent, boolean resume, EventExecutor loop) {
            return CompletableFuture.completedFuture(Answer.OWNED);
        }

        @Override
        public boolean owns(String clientId) {
            return true;
        }

        @Override
        public void ended(String clientId, boolean replacedLocally) {
        }
    };

    /**
     * What the gate does with the CONNECT: admit it ({@code refusal} 0), or refuse it with the CONNACK reason
     * {@code refusal} (5.0 codes; the gate maps them for 3.1.1) and {@code reason} for the log and Reason String.
     */
    record Answer(int refusal, String reason) {
        public static final Answer OWNED = new Answer(0, null);

        public boolean admitted() {
            return refusal == 0;
        }
    }

    /**
     * Claims {@code client}'s id for this node ({@code persistent}: its session outlives the connection or resumes
     * one), taking it over from whichever node held it. With {@code resume} (Clean Start 0) and a session kept by
     * another node, that session is registered here, offline, on {@code loop} (the connection's), before the stage
     * completes, so the gate resumes it.
     */
    CompletionStage<Answer> claim(ClientInfo client, boolean persistent, boolean resume, EventExecutor loop);

    /**
     * A session changed what another node would need to resume it or, when this node dies, to publish its will
     * (attached, subscribed, unsubscribed, disconnected, will published): persistent sessions, and clean ones with a
     * will. {@code client} is the client now attaching, or null for the session's own. On the session's thread; must
     * not block.
     */
    default void sessionChanged(Session session, ClientInfo client) {
    }

    /**
     * Whether this node still owns {@code clientId} after its claim: asked once the session is registered, so that a
     * takeover notice that arrived in between is not missed (it found no session to close).
     */
    boolean owns(String clientId);

    /**
     * The local session of {@code clientId} ended ({@code replacedLocally}: a new local session of the same id took
     * its place, so the ownership goes on).
     */
    void ended(String clientId, boolean replacedLocally);
}
