package dev.magpie;

import dev.magpie.observe.ClusterView;
import dev.magpie.observe.sys.SysSources;
import dev.magpie.routing.Distributor;
import dev.magpie.session.Session;
import dev.magpie.session.SessionRegistry;

import java.util.Optional;

/**
 * What {@code $SYS} reports of the broker's state, read from the session registry and the distributor. The sums over
 * sessions walk every session once per {@code sys_interval} from the publisher's thread: a moment's view, no lock.
 */
record BrokerSysSources(SessionRegistry registry, Distributor distributor, Optional<ClusterView> clusterView) implements SysSources {
    BrokerSysSources(SessionRegistry registry, Distributor distributor) {
        this(registry, distributor, Optional.empty());
    }

    @Override
    public Optional<ClusterView> cluster() {
        return clusterView;
    }

    @Override
    public long sessions() {
        return registry.size();
    }

    @Override
    public long subscriptions() {
        return distributor.plainSubscriptionCount() + (long) distributor.sharedSubscriptionCount();
    }

    @Override
    public long sharedSubscriptions() {
        return distributor.sharedSubscriptionCount();
    }

    @Override
    public long retainedMessages() {
        return distributor.retainedCount();
    }

    @Override
    public long retainedBytes() {
        return distributor.retainedBytes();
    }

    @Override
    public long sessionMessages() {
        long n = 0;
        for (Session s : registry.all()) {
            n += s.queuedCount() + s.inflightCount();
        }
        return n;
    }

    @Override
    public long sessionMessageBytes() {
        long n = 0;
        for (Session s : registry.all()) {
            n += s.queuedBytes() + s.inflightBytes();
        }
        return n;
    }
}
