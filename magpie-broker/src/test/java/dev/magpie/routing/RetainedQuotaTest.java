package dev.magpie.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker-wide bound on retained messages, by count and by bytes (issue 10: a retained flood filled the heap). */
class RetainedQuotaTest {

    @Test
    void aNewTopicBeyondTheCountDoesNotFitButReplacingOneDoes() {
        RetainedQuota quota = new RetainedQuota(2, 0);
        quota.replaced(-1, 10);
        quota.replaced(-1, 10);
        assertThat(quota.fits(-1, 1)).isFalse();
        assertThat(quota.fits(10, 50)).isTrue(); // a topic that has one already: the count does not grow
        quota.removed(10);
        assertThat(quota.fits(-1, 1)).isTrue();
        assertThat(quota.messages()).isEqualTo(1);
    }

    @Test
    void theBytesBoundCountsWhatAReplacementAdds() {
        RetainedQuota quota = new RetainedQuota(0, 100);
        quota.replaced(-1, 60);
        assertThat(quota.fits(-1, 41)).isFalse();
        assertThat(quota.fits(-1, 40)).isTrue();
        assertThat(quota.fits(60, 100)).isTrue();  // grows by 40: 100 in all
        assertThat(quota.fits(60, 101)).isFalse();
        assertThat(quota.fits(60, 5)).isTrue();    // shrinking always fits
        quota.replaced(60, 5);
        assertThat(quota.bytes()).isEqualTo(5);
    }

    @Test
    void zeroMeansNoBound() {
        RetainedQuota quota = new RetainedQuota(0, 0);
        for (int i = 0; i < 1000; i++) {
            quota.replaced(-1, 1_000_000);
        }
        assertThat(quota.fits(-1, Long.MAX_VALUE / 2)).isTrue();
        assertThat(RetainedQuota.sizeOf("a/b", new byte[10])).isEqualTo(13);
    }
}
