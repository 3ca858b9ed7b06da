package dev.magpie.observe.metrics;

import dev.magpie.Broker;
import dev.magpie.testkit.PrometheusText;
import dev.magpie.testkit.TestBrokers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An embedding application's own registry with {@code Builder.metrics}: a Prometheus one is served, another one fed too. */
class ApplicationRegistryTest {

    @Test
    void theApplicationsPrometheusRegistryIsTheOneServed() {
        PrometheusMeterRegistry mine = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("app.orders").register(mine).increment(3);
        Broker broker = TestBrokers.anonymous().meterRegistry(mine).metrics(MetricsSettings.defaults().withLoopbackPort(0)).build().start();
        try {
            PrometheusText page = PrometheusText.scrape("http://127.0.0.1:" + broker.metricsAddress().getPort() + "/metrics");
            assertThat(page.value("app_orders_total")).isEqualTo(3);
            assertThat(page.value("magpie_connections")).isZero();
            assertThat(mine.find("magpie.sessions.online").gauge()).isNotNull();
        } finally {
            broker.stop();
        }
    }

    @Test
    void anotherRegistryOfTheApplicationGetsTheMetersToo() {
        SimpleMeterRegistry mine = new SimpleMeterRegistry();
        Broker broker = TestBrokers.anonymous().meterRegistry(mine).metrics(MetricsSettings.defaults().withLoopbackPort(0)).build().start();
        try {
            PrometheusText page = PrometheusText.scrape("http://127.0.0.1:" + broker.metricsAddress().getPort() + "/metrics");
            assertThat(page.value("magpie_connections")).isZero();
            assertThat(mine.find("magpie.connections").gauge()).isNotNull();
            assertThat(mine.find("magpie.authentications").tag("reason", "throttled").counter()).isNotNull();
        } finally {
            broker.stop();
        }
    }
}
