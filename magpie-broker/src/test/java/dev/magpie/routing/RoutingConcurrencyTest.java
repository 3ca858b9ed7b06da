package dev.magpie.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers and matchers race on a small set of shared paths so that pruning and insertion meet on the same
 * nodes. Each writer owns a client id (or topics), so it knows what every one of its calls must return and
 * what it leaves behind; the end state must be the union of what the writers left. Loops are bounded and
 * nothing sleeps.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RoutingConcurrencyTest {

    private static final int WRITERS = 4;
    private static final int OPS = 60_000;
    private static final int PRUNING_OPS = 25_000;
    private static final String[] ALPHABET = {"a", "b", ""};

    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /** Filters of depth 1 to 3 over {a, b, "", +}, each optionally ending in '#'. */
    private static List<String> filterUniverse() {
        List<String> levels = List.of("a", "b", "", "+");
        List<String> filters = new ArrayList<>(List.of("#"));
        List<String> previous = List.of("");
        for (int depth = 1; depth <= 3; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (String level : levels) {
                    String filter = depth == 1 ? level : prefix + "/" + level;
                    next.add(filter);
                    filters.add(filter);
                    filters.add(filter + "/#");
                }
            }
            previous = next;
        }
        return filters;
    }

    private static List<String> topicUniverse() {
        List<String> topics = new ArrayList<>();
        List<String> previous = List.of("");
        for (int depth = 1; depth <= 4; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (String level : ALPHABET) {
                    next.add(depth == 1 ? level : prefix + "/" + level);
                }
            }
            topics.addAll(next);
            previous = next;
        }
        topics.add("$x/a");
        return topics;
    }

    private void runAll(List<Runnable> tasks) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    task.run();
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void writersAndMatchersEndInTheExpectedState() throws InterruptedException {
        SubscriptionTree<Integer> tree = new SubscriptionTree<>();
        List<String> filters = filterUniverse();
        List<String> topics = topicUniverse();
        List<Map<String, Integer>> finalStates = new ArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        List<Runnable> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String clientId = "w" + w;
            Map<String, Integer> mine = new HashMap<>();
            finalStates.add(mine);
            Random random = new Random(w);
            tasks.add(() -> {
                try {
                    for (int i = 0; i < OPS; i++) {
                        String filter = filters.get(random.nextInt(filters.size()));
                        if (random.nextBoolean()) {
                            assertThat(tree.put(filter, clientId, i)).isEqualTo(mine.put(filter, i));
                        } else {
                            assertThat(tree.remove(filter, clientId)).isEqualTo(mine.remove(filter));
                        }
                    }
                } finally {
                    writersDone.countDown();
                    if (writersDone.getCount() == 0) {
                        writing.set(false);
                    }
                }
            });
        }
        for (int m = 0; m < 2; m++) {
            Random random = new Random(100 + m);
            tasks.add(() -> {
                // every report must be a real match, whatever the writers are doing
                for (int i = 0; i < 2_000_000 && writing.get(); i++) {
                    String topic = topics.get(random.nextInt(topics.size()));
                    tree.match(topic, (clientId, filter, value) -> {
                        if (!ReferenceMatcher.matches(filter, topic)) {
                            throw new AssertionError(filter + " reported for " + topic);
                        }
                    });
                }
            });
        }
        runAll(tasks);

        int expectedSize = finalStates.stream().mapToInt(Map::size).sum();
        assertThat(tree.size()).isEqualTo(expectedSize);
        for (String topic : topics) {
            Set<String> actual = new HashSet<>();
            tree.match(topic, (clientId, filter, value) -> actual.add(clientId + "|" + filter + "|" + value));
            Set<String> expected = new HashSet<>();
            for (int w = 0; w < WRITERS; w++) {
                String clientId = "w" + w;
                finalStates.get(w).forEach((filter, value) -> {
                    if (ReferenceMatcher.matches(filter, topic)) {
                        expected.add(clientId + "|" + filter + "|" + value);
                    }
                });
            }
            assertThat(actual).as("matches of '%s'", topic).isEqualTo(expected);
        }
        for (int w = 0; w < WRITERS; w++) {
            for (String filter : finalStates.get(w).keySet()) {
                tree.remove(filter, "w" + w);
            }
        }
        assertThat(tree.isEmpty()).isTrue();
        assertThat(tree.nodeCount()).isEqualTo(1);
    }

    @Test
    void aCompletedPutIsNeverLostToConcurrentPruning() throws InterruptedException {
        // Every writer empties the same deep node again and again, so pruning of a/b/c/d and of its
        // ancestors constantly races with another writer's put on the same path.
        SubscriptionTree<Integer> tree = new SubscriptionTree<>();
        List<Runnable> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String clientId = "w" + w;
            String filter = w % 2 == 0 ? "a/b/c/d" : "a/b/+/d";
            tasks.add(() -> {
                for (int i = 0; i < PRUNING_OPS; i++) {
                    if (tree.put(filter, clientId, i) != null) {
                        throw new AssertionError("stale subscription of " + clientId + ", iteration " + i);
                    }
                    boolean[] seen = {false};
                    tree.match("a/b/c/d", (id, f, v) -> seen[0] |= id.equals(clientId));
                    if (!seen[0]) {
                        throw new AssertionError("completed put of " + clientId + " not seen, iteration " + i);
                    }
                    Integer removed = tree.remove(filter, clientId);
                    if (removed == null || removed != i) {
                        throw new AssertionError("remove of " + clientId + " returned " + removed + ", iteration " + i);
                    }
                }
            });
        }
        runAll(tasks);
        assertThat(tree.isEmpty()).isTrue();
        assertThat(tree.nodeCount()).isEqualTo(1);
    }

    @Test
    void retainedWritersAndReadersEndInTheExpectedState() throws InterruptedException {
        RetainedIndex<Integer> index = new RetainedIndex<>();
        List<Map<String, Integer>> finalStates = new ArrayList<>();
        List<Runnable> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            // each writer owns the topics ending in its own level, under prefixes shared with the others
            List<String> owned = new ArrayList<>();
            for (String prefix : List.of("a", "a/b", "a/b/c", "b", "", "a//c")) {
                owned.add(prefix + "/t" + w);
            }
            Map<String, Integer> mine = new HashMap<>();
            finalStates.add(mine);
            Random random = new Random(w);
            tasks.add(() -> {
                for (int i = 0; i < OPS; i++) {
                    String topic = owned.get(random.nextInt(owned.size()));
                    if (random.nextBoolean()) {
                        assertThat(index.put(topic, i)).isEqualTo(mine.put(topic, i));
                        assertThat(index.get(topic)).isEqualTo(i);
                    } else {
                        assertThat(index.remove(topic)).isEqualTo(mine.remove(topic));
                        assertThat(index.get(topic)).isNull();
                    }
                }
            });
        }
        runAll(tasks);

        Map<String, Integer> expected = new HashMap<>();
        finalStates.forEach(expected::putAll);
        Map<String, Integer> actual = new HashMap<>();
        index.match("#", actual::put);
        assertThat(actual).isEqualTo(expected);
        assertThat(index.size()).isEqualTo(expected.size());
        expected.keySet().forEach(index::remove);
        assertThat(index.nodeCount()).isEqualTo(1);
    }
}
