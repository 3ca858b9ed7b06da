package dev.magpie.spi;

/** An {@link Authorizer}'s answer for one action. The first non-{@link #NEXT} answer in the chain wins. */
public enum Decision {
    ALLOW, DENY, NEXT
}
