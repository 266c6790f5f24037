package dev.specgate.routing.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyStoreTest {

    static final String ONE = "thresholds: {entropy_local_nats: 0.5}\n";
    static final String TWO = "thresholds: {entropy_local_nats: 0.7}\n";
    static final String BAD = "tenants: {acme: {k_min: 3, k_max: 2}}\n";

    @TempDir
    Path dir;

    @Test
    void updateReplacesAndNotifies() {
        PolicyStore store = PolicyStore.withDefaults();
        List<String> seen = new ArrayList<>();
        store.addListener((previous, current) -> seen.add(previous.thresholds().entropyLocalNats() + "->" + current.thresholds().entropyLocalNats()));
        store.update(ONE);
        store.update(ONE); // unchanged: no notification
        store.update(TWO);
        assertEquals(List.of("0.8->0.5", "0.5->0.7"), seen);
        assertEquals(0.7, store.current().thresholds().entropyLocalNats());
    }

    @Test
    void invalidUpdateKeepsTheOldPolicyAndNamesTheField() {
        PolicyStore store = PolicyStore.withDefaults();
        store.update(ONE);
        PolicyConfig before = store.current();
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> store.update(BAD));
        assertEquals("tenants.acme.k_max: must be >= k_min (3)", e.getMessage());
        assertSame(before, store.current());
    }

    @Test
    void servesTheCurrentPolicyAsYamlAndJsonThatReadBackEqual() {
        PolicyStore store = PolicyStore.withDefaults();
        store.update("tenants: {acme: {allowed_routes: [cloud], force: cloud}}");
        assertEquals(store.current(), PolicyCodec.parse(store.currentAsYaml()));
        assertEquals(store.current(), PolicyCodec.parse(store.currentAsJson()));
    }

    @Test
    void callerDrivenCheckReloadsOnContentChange() throws IOException {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, ONE);
        PolicyStore store = PolicyStore.withDefaults();
        List<InvalidPolicyException> errors = new ArrayList<>();
        PolicyFileWatcher watcher = new PolicyFileWatcher(file, store, errors::add, 1_000);

        assertTrue(watcher.checkNow());
        assertEquals(0.5, store.current().thresholds().entropyLocalNats());
        assertFalse(watcher.checkNow(), "same content: nothing to do");

        Files.writeString(file, TWO);
        assertTrue(watcher.checkNow());
        assertEquals(0.7, store.current().thresholds().entropyLocalNats());

        Files.writeString(file, BAD);
        assertFalse(watcher.checkNow());
        assertEquals(0.7, store.current().thresholds().entropyLocalNats(), "old policy stays in force");
        assertEquals("tenants.acme.k_max", watcher.lastError().orElseThrow().fieldPath());
        assertEquals(1, errors.size());

        Files.delete(file);
        assertFalse(watcher.checkNow());
        assertTrue(watcher.lastError().orElseThrow().getMessage().contains("does not exist"));
        assertEquals(0.7, store.current().thresholds().entropyLocalNats());
    }

    @Test
    void watcherThreadPicksUpChangesAndKeepsTheOldPolicyOnErrors() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, ONE);
        PolicyStore store = PolicyStore.withDefaults();
        List<InvalidPolicyException> errors = new CopyOnWriteArrayList<>();
        // The fallback poll is long so that the test shows the WatchService events doing the work.
        try (PolicyFileWatcher watcher = new PolicyFileWatcher(file, store, errors::add, 60_000).start()) {
            assertEquals(0.5, store.current().thresholds().entropyLocalNats(), "start() loads the file");

            Files.writeString(file, TWO);
            awaitTrue(() -> store.current().thresholds().entropyLocalNats() == 0.7);

            Files.writeString(file, BAD);
            // A write may be seen half done (an empty file is rejected too), so wait for the complete file's error.
            awaitTrue(() -> errors.stream().anyMatch(e -> e.fieldPath().equals("tenants.acme.k_max")));
            assertEquals("tenants.acme.k_max: must be >= k_min (3)", watcher.lastError().orElseThrow().getMessage());
            assertEquals(0.7, store.current().thresholds().entropyLocalNats());

            // An editor-style replace: write elsewhere, rename over the file.
            Path temp = dir.resolve("policy.yaml.tmp");
            Files.writeString(temp, ONE);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            awaitTrue(() -> store.current().thresholds().entropyLocalNats() == 0.5);
            assertTrue(watcher.lastError().isEmpty(), "a valid file clears the error");
        }
    }

    @Test
    void watcherThreadSurvivesAFailingListener() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, ONE);
        PolicyStore store = PolicyStore.withDefaults();
        List<String> told = new CopyOnWriteArrayList<>();
        try (PolicyFileWatcher watcher = new PolicyFileWatcher(file, store, e -> { }, 100).start()) {
            store.addListener((previous, current) -> {
                told.add("changed");
                if (told.size() == 1) {
                    throw new IllegalStateException("listener bug");
                }
            });
            Files.writeString(file, TWO);
            awaitTrue(() -> store.current().thresholds().entropyLocalNats() == 0.7);
            assertTrue(watcher.lastError().isEmpty(), "the policy loaded; only a listener failed");

            // The listener threw on the watcher's thread; reloading must go on.
            Files.writeString(file, "thresholds: {entropy_local_nats: 0.6}\n");
            awaitTrue(() -> store.current().thresholds().entropyLocalNats() == 0.6);
            assertEquals(2, told.size());
        }
    }

    /** Polls until the condition holds; fails after 10 s (file events normally arrive within milliseconds). */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
