package dev.magpie.security.acl;

/** The three questions the broker asks an ACL. */
public enum Action {
    /** Publish to a topic name: needs write access to that topic. */
    PUBLISH,
    /** Subscribe with a topic filter: needs read access to every topic the filter could match (or a literal rule). */
    SUBSCRIBE,
    /** Receive one message on a topic name through a subscription: needs read access to that topic. */
    RECEIVE
}
