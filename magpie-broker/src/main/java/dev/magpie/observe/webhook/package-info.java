/**
 * Webhooks: broker events POSTed as signed JSON to configured URLs, so that other systems learn of connections,
 * subscriptions and messages without writing a listener. {@link dev.magpie.observe.webhook.Webhook} is one receiver's
 * settings (URL, events, topic filters, secret, timeout, bounds, retries), given to {@code Broker.Builder.webhook};
 * {@link dev.magpie.observe.webhook.Webhooks} is the {@link dev.magpie.spi.BrokerListener} the broker registers for
 * them, with one bounded queue and a few request slots per URL ({@code WebhookSink}); {@code EventJson} renders the
 * bodies with Jackson; {@link dev.magpie.observe.webhook.WebhookSignature} is the one rule for the HMAC-SHA256
 * signature and its timestamp, for the broker and for receivers written in Java.
 *
 * <p>The rule this package is shaped by: a webhook never slows MQTT delivery. The I/O threads only match and
 * enqueue; a full queue drops and counts; HTTP runs on the JDK client's asynchronous sends and two worker threads.
 * Called by {@code dev.magpie.BrokerCore}; uses {@code observe} (metrics, the log of refusals), {@code spi},
 * {@code codec.TopicSyntax} (valid filters) and {@code security.acl.TopicFilters} (matching, with the {@code $} rule).
 */
package dev.magpie.observe.webhook;
