/**
 * Test kit shared through the module's test-jar: {@link dev.magpie.testkit.RawMqttClient}, a blocking
 * raw-packet MQTT client for spec tests that must send exactly the bytes they mean (including wrong
 * ones) and see exactly what the broker answers; {@link dev.magpie.testkit.SlowHttpReader}, an HTTP client
 * that asks for a file and stops reading; {@link dev.magpie.testkit.UnreadSocket} and
 * {@link dev.magpie.testkit.UnreadTlsSocket}, attackers that flood requests (over TCP, WebSocket or TLS) and never
 * read the answers; {@link dev.magpie.testkit.PahoOptions}, the Paho 3.1.1 options every test connects with;
 * {@link dev.magpie.testkit.WebhookReceiver}, an HTTP endpoint that records webhook requests, or refuses or hangs;
 * {@link dev.magpie.testkit.PrometheusText}, one scrape of {@code /metrics} read as Prometheus reads it;
 * {@link dev.magpie.testkit.TcpProxy}, a loopback TCP proxy that can be cut and restored (a partition between a
 * cluster node and Redis). Used by
 * the broker's, the server's and the examples'
 * integration tests; never by production code.
 */
package dev.magpie.testkit;
