package dev.magpie.routing;

import dev.magpie.codec.Publish;
import dev.magpie.codec.Subscribe.Subscription;
import dev.magpie.security.AuthorizationChain;
import dev.magpie.session.Delivery;
import dev.magpie.session.Publication;
import dev.magpie.session.PublishStorage;
import dev.magpie.session.Session;
import dev.magpie.spi.ClientInfo;
import dev.magpie.spi.Message;
import dev.magpie.store.MessageStore;
import dev.magpie.store.StoredMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Fans a message out: matches the subscription trees once, merges overlapping subscriptions of the same
 * client into one delivery at the highest granted QoS carrying every matching Subscription Identifier
 * [MQTT-3.3.5-1], [MQTT-3.3.4-3], applies each subscription's options (No Local, Retain As Published), picks
 * one member per shared group, asks the authorizers per recipient, and hands the shared
 * {@link Publication} to each session. Also owns retained messages: the index answers subscriptions, the
 * {@link MessageStore} gets every change (it queues, never blocks) so that a restart finds them again. It never
 * touches a network channel.
 */
public final class Distributor {
    private static final Logger LOG = LoggerFactory.getLogger(Distributor.class);
    private static final String SHARED_PREFIX = "$share/";
    /** Where the broker publishes its status; no client may publish there (section 4.7.2). */
    private static final String SYS_PREFIX = "$SYS/";

    private final SubscriptionTree<SubscriptionEntry> subscriptions = new SubscriptionTree<>();
    private final SubscriptionTree<SharedGroup> sharedSubscriptions = new SubscriptionTree<>();
    private final Map<String, SharedGroup> sharedGroups = new ConcurrentHashMap<>();
    private final RetainedIndex<RetainedMessage> retained = new RetainedIndex<>();
    /** Guards {@link #retainedQuota} together with the index changes it accounts for. */
    private final Object retainedLock = new Object();
    private final RetainedQuota retainedQuota;
    /** Retained {@code $SYS} messages in the index: outside the quota and the store. Under {@link #retainedLock}. */
    private int sysRetained;
    private final AuthorizationChain authorization;
    /** Set once at start, before any client connects; {@link MessageStore#none()} until then. */
    private volatile MessageStore store = MessageStore.none();
    /** Cluster hooks (see {@link #cluster}); null on a broker of its own. */
    private volatile FilterWatcher filterWatcher;
    private volatile Forwarder forwarder;
    private volatile RetainedWatcher retainedWatcher;
    /**
     * Local subscriptions per distinct non-shared filter, and the shared group keys with local members (count 1),
     * kept only with a {@link FilterWatcher}: the node's routes.
     */
    private final Map<String, Integer> localFilters = new ConcurrentHashMap<>();

    /**
     * Told when a distinct filter gets its first local subscriber and when its last one leaves: what a cluster
     * node publishes as its routes (never one entry per client). Called inside the count's update, so the calls
     * for one filter come in order: only enqueue here.
     */
    public interface FilterWatcher {
        void firstSubscriber(String filter);

        void lastSubscriberGone(String filter);
    }

    /**
     * Told of every retained change made on this node by a client, an application or an administrator (a Publish
     * with an empty payload is a delete), not of those {@link #applyRetained applied} from the cluster nor of
     * expiries (every node expires its copy itself). Called under the retained lock, so the changes of one topic
     * come in order: only enqueue here.
     */
    public interface RetainedWatcher {
        void retainedChanged(Publish kept, long storedAtMillis);
    }

    /** Carries a publication to the other cluster nodes whose routes match; returns how many nodes it went to. */
    public interface Forwarder {
        int forward(Publication publication);

        /**
         * Gives a publication routed here first its cluster-wide identity ({@link Publication#stamp}), before any
         * session gets it, so this node's sessions and the other nodes hold it under the same stamp.
         */
        default void stamp(Publication publication) {
        }
    }

    /**
     * Joins this distributor to a cluster: filter changes go to {@code watcher}, and every publication routed by
     * {@link #distribute} also goes to {@code forwarder}. Set before start, once.
     */
    public void cluster(FilterWatcher watcher, Forwarder forwarder) {
        this.filterWatcher = watcher;
        this.forwarder = forwarder;
    }

    /** Sends this node's retained changes to {@code watcher} (a cluster node replicates them); before start, once. */
    public void clusterRetained(RetainedWatcher watcher) {
        this.retainedWatcher = watcher;
    }

    /**
     * The distinct non-shared filters with local subscribers and the shared group keys ({@code $share/group/filter})
     * with local members (empty without a {@link FilterWatcher}).
     */
    public Set<String> localFilters() {
        return Set.copyOf(localFilters.keySet());
    }

    private void countFilter(String filter, int change) {
        FilterWatcher watcher = filterWatcher;
        if (watcher == null) {
            return;
        }
        localFilters.compute(filter, (f, count) -> {
            int now = (count == null ? 0 : count) + change;
            if (now <= 0) {
                if (count != null) {
                    watcher.lastSubscriberGone(f);
                }
                return null;
            }
            if (count == null) {
                watcher.firstSubscriber(f);
            }
            return now;
        });
    }

    /**
     * A shared group ({@code $share/group/filter}) got its first member on this node or lost its last one: the node
     * routes the whole group key, so peers know where the group has members (called inside the group's update).
     */
    private void watchGroup(String groupKey, boolean added) {
        FilterWatcher watcher = filterWatcher;
        if (watcher == null) {
            return;
        }
        if (added) {
            localFilters.put(groupKey, 1);
            watcher.firstSubscriber(groupKey);
        } else {
            localFilters.remove(groupKey);
            watcher.lastSubscriberGone(groupKey);
        }
    }

    /** A distributor without a bound on retained messages. */
    public Distributor(AuthorizationChain authorization) {
        this(authorization, 0, 0);
    }

    /**
     * A distributor keeping at most {@code maxRetainedMessages} retained messages of at most {@code maxRetainedBytes}
     * bytes of topic and payload together (0 = no bound).
     */
    public Distributor(AuthorizationChain authorization, int maxRetainedMessages, long maxRetainedBytes) {
        this.authorization = authorization;
        this.retainedQuota = new RetainedQuota(maxRetainedMessages, maxRetainedBytes);
    }

    /**
     * Loads the retained messages {@code from} kept into the index and sends every later change there; called
     * once at start, before any client connects. Expired ones are not loaded [MQTT-3.3.2-5]; a damaged row is
     * skipped and reported through {@code damaged}.
     *
     * @return how many were restored
     * @throws dev.magpie.store.StoreException if the store cannot be read
     */
    public int restoreRetained(MessageStore from, Consumer<String> damaged) {
        // the bound applies while reading, so a flood kept by an earlier run cannot fill the heap at start
        MessageStore.RetainedLoad load = from.loadRetained(System.currentTimeMillis(), retainedQuota.maxMessages(), retainedQuota.maxBytes());
        this.store = from;
        long nowMillis = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        int restored = 0;
        synchronized (retainedLock) {
            for (StoredMessage m : load.messages()) {
                if (m.expiredAt(nowMillis)) {
                    continue;
                }
                try {
                    Publish publish = PublishStorage.toPublish(m, true);
                    RetainedMessage previous = retained.put(m.topic(), new RetainedMessage(publish, PublishStorage.storedNanos(m, nowMillis, nowNanos)));
                    retainedQuota.replaced(previous == null ? -1 : sizeOf(previous), RetainedQuota.sizeOf(m.topic(), publish.payload()));
                    restored++;
                } catch (IllegalArgumentException e) {
                    damaged.accept(e.getMessage());
                }
            }
        }
        if (load.left() > 0) {
            LOG.warn("{}: {} retained message(s) left in the store, not loaded: they would pass max_retained_messages ({}) or "
                    + "max_retained_bytes ({}); raise them to load the rest", from, load.left(), retainedQuota.maxMessages(), retainedQuota.maxBytes());
        }
        return restored;
    }

    private static long sizeOf(RetainedMessage m) {
        return RetainedQuota.sizeOf(m.publish().topic(), m.publish().payload());
    }

    /** Whether {@code filter} names a shared subscription ({@code $share/group/filter}). */
    public static boolean isShared(String filter) {
        return filter.startsWith(SHARED_PREFIX);
    }

    /**
     * Whether {@code topic} is in the {@code $SYS} space: topics beginning with {@code $} are the server's (section
     * 4.7.2), and {@code $SYS/} carries the broker's status, so only the broker publishes there. The one home of the rule:
     * client PUBLISHes and wills are refused by it, and its retained messages are kept apart from the clients' bound.
     */
    public static boolean isSysTopic(String topic) {
        return topic.startsWith(SYS_PREFIX) || topic.equals("$SYS");
    }

    public void subscribe(Session session, Subscription subscription, int identifier) {
        String filter = subscription.filter();
        if (isShared(filter)) {
            int slash = filter.indexOf('/', SHARED_PREFIX.length());
            String topicFilter = filter.substring(slash + 1);
            SharedGroup group = sharedGroups.compute(filter, (k, existing) -> {
                SharedGroup g = existing != null ? existing : new SharedGroup(filter, topicFilter);
                g.put(new SharedGroup.Member(session, subscription, identifier));
                if (existing == null) {
                    watchGroup(filter, true);
                }
                return g;
            });
            sharedSubscriptions.put(topicFilter, filter, group);
            return;
        }
        if (subscriptions.put(filter, session.clientId(), new SubscriptionEntry(session, subscription, identifier)) == null) {
            countFilter(filter, 1);
        }
    }

    public void unsubscribe(Session session, String filter) {
        if (isShared(filter)) {
            sharedGroups.computeIfPresent(filter, (k, group) -> {
                if (group.remove(session)) {
                    sharedSubscriptions.remove(group.filter(), filter);
                    watchGroup(filter, false);
                    return null;
                }
                return group;
            });
            return;
        }
        if (subscriptions.remove(filter, session.clientId()) != null) {
            countFilter(filter, -1);
        }
    }

    public int subscriptionCount() {
        return subscriptions.size() + sharedGroups.size();
    }

    /** Members of shared subscriptions, each session in each group counted once (a moment's view). */
    public int sharedSubscriptionCount() {
        int members = 0;
        for (SharedGroup group : sharedGroups.values()) {
            members += group.size();
        }
        return members;
    }

    /** Subscriptions that are not shared ((filter, session) pairs). */
    public int plainSubscriptionCount() {
        return subscriptions.size();
    }

    /** Retained messages of clients and applications ({@code $SYS} status topics, which the broker keeps, not counted). */
    public int retainedCount() {
        synchronized (retainedLock) {
            return retained.size() - sysRetained;
        }
    }

    /** The retained messages whose topics match {@code filter} (an MQTT topic filter), in no particular order. */
    public List<RetainedMessage> retainedMatching(String filter) {
        List<RetainedMessage> out = new ArrayList<>();
        retained.match(filter, (topic, message) -> out.add(message));
        return out;
    }

    /** The retained message of {@code topic}, if there is one. */
    public java.util.Optional<RetainedMessage> retainedOn(String topic) {
        return java.util.Optional.ofNullable(retained.get(topic));
    }

    /**
     * Clears the retained message of {@code topic} (and its stored copy) without routing anything: what an
     * administrator's delete does, where a zero-byte retained PUBLISH would also reach the subscribers.
     * Returns whether there was one.
     */
    public boolean clearRetained(String topic) {
        synchronized (retainedLock) {
            RetainedMessage removed = retained.remove(topic);
            if (removed == null) {
                return false;
            }
            retainedQuota.removed(sizeOf(removed));
            store.removeRetained(topic);
            RetainedWatcher watcher = retainedWatcher;
            if (watcher != null && !isSysTopic(topic)) {
                watcher.retainedChanged(new Publish(topic, 0, true, false, 0, new byte[0], dev.magpie.codec.MqttProperties.EMPTY),
                        System.currentTimeMillis());
            }
            return true;
        }
    }

    /**
     * Stores or clears the retained message of the publish's topic: an empty payload clears it
     * [MQTT-3.3.1-10], anything else replaces it [MQTT-3.3.1-5], if the retained bound allows: returns false (and
     * keeps nothing) when a new message would pass the count or bytes of {@code max_retained_*}.
     */
    public boolean retain(Publish publish) {
        return retain(publish, System.currentTimeMillis(), System.nanoTime(), true);
    }

    /**
     * Applies a retained change that another cluster node made ({@code publish} with an empty payload deletes):
     * like {@link #retain}, but the {@link RetainedWatcher} is not told (the change came from the cluster) and the
     * message keeps the time it was published at its origin, so its expiry counts from there [MQTT-3.3.2-6].
     */
    public boolean applyRetained(Publish publish, long publishedAtMillis, long publishedAtNanos) {
        return retain(publish, publishedAtMillis, publishedAtNanos, false);
    }

    private boolean retain(Publish publish, long storedMillis, long storedNanos, boolean local) {
        // the broker's own $SYS values (its version, ...) are neither stored (they are made again at start) nor held
        // to the clients' bound, which they would otherwise take part of
        boolean status = isSysTopic(publish.topic());
        RetainedWatcher watcher = local && !status ? retainedWatcher : null;
        synchronized (retainedLock) {
            if (publish.payload().length == 0) {
                RetainedMessage removed = retained.remove(publish.topic());
                if (removed != null && status) {
                    sysRetained--;
                } else if (removed != null) {
                    retainedQuota.removed(sizeOf(removed));
                }
                if (!status) {
                    store.removeRetained(publish.topic());
                }
                if (watcher != null) {
                    watcher.retainedChanged(publish, storedMillis); // under the lock: changes of a topic go out in order
                }
                return true;
            }
            RetainedMessage previous = retained.get(publish.topic());
            long previousSize = previous == null ? -1 : sizeOf(previous);
            long size = RetainedQuota.sizeOf(publish.topic(), publish.payload());
            if (!status && !retainedQuota.fits(previousSize, size)) {
                return false;
            }
            Publish kept = new Publish(publish.topic(), publish.qos(), true, false, 0, publish.payload(), publish.properties());
            retained.put(publish.topic(), new RetainedMessage(kept, storedNanos));
            if (status) {
                sysRetained += previous == null ? 1 : 0;
                return true;
            }
            retainedQuota.replaced(previousSize, size);
            store.putRetained(PublishStorage.toStored(kept, storedMillis));
            if (watcher != null) {
                watcher.retainedChanged(kept, storedMillis);
            }
            return true;
        }
    }

    /**
     * Whether {@link #retain} would keep {@code publish} now: asked before a message is accepted, so a 5.0 publisher
     * can be told 0x97 Quota exceeded instead; {@link #retain} decides again (another client may fill the bound between).
     */
    public boolean retainFits(Publish publish) {
        if (publish.payload().length == 0) {
            return true;
        }
        synchronized (retainedLock) {
            RetainedMessage previous = retained.get(publish.topic());
            return retainedQuota.fits(previous == null ? -1 : sizeOf(previous), RetainedQuota.sizeOf(publish.topic(), publish.payload()));
        }
    }

    /** Bytes of topic and payload of all retained messages (see {@link RetainedQuota}). */
    public long retainedBytes() {
        synchronized (retainedLock) {
            return retainedQuota.bytes();
        }
    }

    /**
     * Sends the retained messages matching a new subscription, with RETAIN set (spec 3.3.1.3), at the lower of
     * their QoS and the granted one. Expired ones are removed instead [MQTT-3.3.2-5].
     *
     * <p>{@code subscribedNanos} is when the subscription was in the tree ({@link System#nanoTime()}, read after
     * {@link #subscribe} returned). A message stored later was published while the subscription already
     * matched, so it reaches the client as a live message; sending it here as well would deliver it twice,
     * and after newer live messages.
     */
    public void sendRetained(Session session, Subscription subscription, int identifier, long subscribedNanos) {
        long now = System.nanoTime();
        List<RetainedMessage> expired = new ArrayList<>();
        retained.match(subscription.filter(), (topic, message) -> {
            if (message.storedNanos() - subscribedNanos > 0) {
                return;
            }
            Publication publication = new Publication(message.publish(), "$retained", message.storedNanos());
            try {
                if (publication.remainingSeconds(now) == 0) {
                    expired.add(message);
                    return;
                }
                int qos = Math.min(message.publish().qos(), subscription.qos());
                ClientInfo subscriber = session.clientInfo();
                if (!authorization.isEmpty() && !authorization.mayDeliver(subscriber, new Message(topic, message.publish().payload(), qos, true))) {
                    return;
                }
                session.deliver(publication, new Delivery(qos, true, identifier > 0 ? List.of(identifier) : List.of(), null));
            } finally {
                publication.release();
            }
        });
        if (!expired.isEmpty()) {
            synchronized (retainedLock) {
                for (RetainedMessage gone : expired) {
                    String topic = gone.publish().topic();
                    if (retained.get(topic) == gone) { // still the expired one, not a newer message stored meanwhile
                        retained.remove(topic);
                        retainedQuota.removed(sizeOf(gone));
                        store.removeRetained(topic);
                    }
                }
            }
        }
    }

    /**
     * Routes {@code publication} to every matching subscription, and to the cluster nodes with matching routes;
     * returns the number of sessions (and nodes) it went to.
     */
    public int distribute(Publication publication) {
        Forwarder remote = forwarder;
        if (remote != null) {
            remote.stamp(publication);
        }
        int local = distributeLocally(publication);
        return remote == null ? local : local + remote.forward(publication);
    }

    /** Whether shared group {@code groupKey} ({@code $share/group/filter}) has a member on this node. */
    public boolean hasSharedGroup(String groupKey) {
        return sharedGroups.containsKey(groupKey);
    }

    /**
     * Routes a message another node forwarded: to the plain subscriptions when {@code plain}, and to one member of
     * each of {@code groups} (the sender chose this node for them); returns the groups with no member here any more,
     * for the cluster link to hand on to another node.
     */
    public List<String> distributeForwarded(Publication publication, boolean plain, List<String> groups) {
        if (plain) {
            distributePlain(publication);
        }
        List<String> unserved = List.of();
        for (String groupKey : groups) {
            SharedGroup group = sharedGroups.get(groupKey);
            if (group == null || !deliverShared(publication, group, null)) {
                unserved = unserved.isEmpty() ? new ArrayList<>(2) : unserved;
                unserved.add(groupKey);
            }
        }
        return unserved;
    }

    /** Routes {@code publication} to the matching subscriptions of this node only, plain and shared. */
    public int distributeLocally(Publication publication) {
        Publish publish = publication.publish();
        int count = distributePlain(publication);
        if (!sharedGroups.isEmpty()) {
            List<SharedGroup> groups = new ArrayList<>(2);
            sharedSubscriptions.match(publish.topic(), (key, filter, group) -> groups.add(group));
            for (SharedGroup group : groups) {
                count += deliverShared(publication, group, null) ? 1 : 0;
            }
        }
        return count;
    }

    private int distributePlain(Publication publication) {
        Publish publish = publication.publish();
        List<SubscriptionEntry> matches = new ArrayList<>(4);
        subscriptions.match(publish.topic(), (clientId, filter, entry) -> matches.add(entry));
        int count = 0;
        if (matches.size() == 1) {
            SubscriptionEntry e = matches.get(0);
            count += deliver(publication, e.session(), e.options(), e.identifier() > 0 ? List.of(e.identifier()) : List.of(), null) ? 1 : 0;
        } else if (!matches.isEmpty()) {
            Map<Session, Target> targets = new HashMap<>();
            for (SubscriptionEntry e : matches) {
                if (e.options().noLocal() && e.session().clientId().equals(publication.originClientId())) {
                    continue; // [MQTT-3.8.3-3], before merging so another subscription of the client still counts
                }
                targets.computeIfAbsent(e.session(), s -> new Target()).merge(e);
            }
            for (Map.Entry<Session, Target> t : targets.entrySet()) {
                Target target = t.getValue();
                Subscription merged = new Subscription("", target.qos, false, target.retainAsPublished, 0);
                count += deliver(publication, t.getKey(), merged, target.identifiers, null) ? 1 : 0;
            }
        }
        return count;
    }

    /**
     * Gives a message that a shared-subscription member could not finish to another member of the same group
     * [MQTT-4.8.2-5]; false if the group has no other member.
     */
    public boolean redeliverShared(Publication publication, String groupKey, Session previous) {
        SharedGroup group = sharedGroups.get(groupKey);
        return group != null && deliverShared(publication, group, previous);
    }

    private boolean deliverShared(Publication publication, SharedGroup group, Session excluded) {
        SharedGroup.Member member = group.next(excluded);
        if (member == null) {
            return false;
        }
        List<Integer> ids = member.identifier() > 0 ? List.of(member.identifier()) : List.of();
        return deliver(publication, member.session(), member.options(), ids, group.key());
    }

    private boolean deliver(Publication publication, Session session, Subscription options, List<Integer> identifiers, String sharedGroup) {
        Publish publish = publication.publish();
        // No Local: never send a client its own message back on this subscription [MQTT-3.8.3-3]
        if (options.noLocal() && session.clientId().equals(publication.originClientId())) {
            return false;
        }
        int qos = Math.min(publish.qos(), options.qos());
        // RETAIN is cleared on normal delivery unless Retain As Published [MQTT-3.3.1-12], [MQTT-3.3.1-13]
        boolean retainFlag = options.retainAsPublished() && publish.retain();
        if (!authorization.isEmpty()) {
            ClientInfo subscriber = session.clientInfo();
            if (subscriber != null && !authorization.mayDeliver(subscriber, new Message(publish.topic(), publish.payload(), qos, publish.retain()))) {
                return false;
            }
        }
        session.deliver(publication, new Delivery(qos, retainFlag, identifiers, sharedGroup));
        return true;
    }

    /** Overlapping subscriptions of one client, merged. */
    private static final class Target {
        int qos = -1;
        boolean retainAsPublished;
        final List<Integer> identifiers = new ArrayList<>(2);

        void merge(SubscriptionEntry e) {
            Subscription s = e.options();
            qos = Math.max(qos, s.qos());
            retainAsPublished |= s.retainAsPublished();
            if (e.identifier() > 0) {
                identifiers.add(e.identifier());
            }
        }
    }
}
