package dev.magpie.observe.sys;

import dev.magpie.observe.ClusterView;

import java.util.Optional;

/**
 * What the {@code $SYS} publisher reads besides the traffic and client counters: the sizes of the broker's sessions,
 * subscriptions, retained messages and queues. Implemented where those live (the broker's core); each call is a
 * moment's view, read on the publisher's thread once per {@code sys_interval}.
 */
public interface SysSources {
    /** Sessions known to the broker, connected or not ({@code clients/total}). */
    long sessions();

    /** Subscriptions, each member of a shared subscription counted ({@code subscriptions/count}). */
    long subscriptions();

    /** Members of shared subscriptions ({@code shared_subscriptions/count}). */
    long sharedSubscriptions();

    long retainedMessages();

    long retainedBytes();

    /** Messages held for sessions: queued and in flight. */
    long sessionMessages();

    /** Bytes of the messages held for sessions. */
    long sessionMessageBytes();

    /** The cluster this broker is a node of ({@code cluster/…} topics); empty for a single broker. */
    default Optional<ClusterView> cluster() {
        return Optional.empty();
    }
}
