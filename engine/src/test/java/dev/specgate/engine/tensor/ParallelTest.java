package dev.specgate.engine.tensor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ParallelTest {

    @BeforeAll
    static void teamStarted() {
        Parallel.forRange(1024, 1, (from, to) -> { }); // creates the team; its workers then set themselves up
        sleep(200);
    }

    /** Runs {@code n} slow indices on the team; returns the names of the threads that ran them. */
    private static Set<String> slowStep(int n, AtomicIntegerArray visits) {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Parallel.forRange(n, 1, (from, to) -> {
            threads.add(Thread.currentThread().getName());
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
            sleep(2); // long enough that a woken worker finds chunks left to claim
        });
        return threads;
    }

    @Test
    void everyIndexRunsExactlyOnce() {
        AtomicIntegerArray visits = new AtomicIntegerArray(10_007);
        Parallel.forRange(visits.length(), 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < visits.length(); i++) {
            assertEquals(1, visits.get(i), "index " + i);
        }
    }

    @RepeatedTest(5)
    void workersParkedByRestWakeForTheNextStep() {
        assumeTrue(Parallel.threads() > 1, "needs a team of more than one thread");
        Parallel.rest();
        sleep(5); // the workers are parked now, not spinning
        AtomicIntegerArray visits = new AtomicIntegerArray(8);
        Set<String> threads = slowStep(visits.length(), visits);
        for (int i = 0; i < visits.length(); i++) {
            assertEquals(1, visits.get(i), "index " + i);
        }
        assertTrue(threads.stream().anyMatch(name -> name.startsWith("specgate-kernel-")),
                "a kernel worker took part after rest(): " + threads);
    }

    @Test
    void restFromAnotherThreadDoesNotDisturbARunningStep() throws InterruptedException {
        assumeTrue(Parallel.threads() > 1, "needs a team of more than one thread");
        AtomicIntegerArray visits = new AtomicIntegerArray(16);
        Thread rester = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 200; i++) {
                Parallel.rest();
                sleep(0);
            }
        });
        slowStep(visits.length(), visits);
        rester.join();
        for (int i = 0; i < visits.length(); i++) {
            assertEquals(1, visits.get(i), "index " + i);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
