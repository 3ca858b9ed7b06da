/**
 * The seed's mosca program (a Node.js broker with user/password authentication, per-topic authorization and
 * event handlers) written with Magpie's embedding API. Read {@link dev.magpie.examples.embedded.SeedBroker}
 * side by side with the JavaScript in the seed blog post.
 */
package dev.magpie.examples.embedded;
