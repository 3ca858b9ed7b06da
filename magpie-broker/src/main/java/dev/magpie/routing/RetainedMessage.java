package dev.magpie.routing;

import dev.magpie.codec.Publish;

/** A retained message and when it was stored ({@link System#nanoTime()}), so its expiry can be applied. */
public record RetainedMessage(Publish publish, long storedNanos) {
}
