package dev.specgate.gateway.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokens handed to a request's event loop, and a generation waiting (boundedly) until they are written. */
class TokenMailboxTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void awaitDeliveredReturnsOnceTheEventLoopHasDeliveredEverythingPostedInOrder() {
        Context context = vertx.getOrCreateContext();
        List<Integer> delivered = new CopyOnWriteArrayList<>();
        TokenMailbox mailbox = new TokenMailbox(context, ids -> {
            for (int id : ids) {
                delivered.add(id);
            }
        });
        for (int i = 0; i < 50; i++) {
            mailbox.post(new int[] {2 * i, 2 * i + 1});
            mailbox.awaitDelivered(TimeUnit.SECONDS.toNanos(5));
            assertEquals(2 * i + 2, delivered.size(), "everything posted so far is delivered when the wait returns");
        }
        for (int i = 0; i < delivered.size(); i++) {
            assertEquals(i, delivered.get(i));
        }
    }

    @Test
    void aBusyEventLoopHoldsTheWaiterOnlyForTheGivenTime() throws Exception {
        Context context = vertx.getOrCreateContext();
        List<Integer> delivered = new CopyOnWriteArrayList<>();
        TokenMailbox mailbox = new TokenMailbox(context, ids -> delivered.add(ids.length));
        CountDownLatch release = new CountDownLatch(1);
        context.runOnContext(v -> {
            try {
                release.await(); // the event loop is busy elsewhere
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        mailbox.post(new int[] {7});
        long start = System.nanoTime();
        mailbox.awaitDelivered(TimeUnit.MILLISECONDS.toNanos(50));
        long waited = System.nanoTime() - start;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(50), "waited " + waited + " ns");
        assertTrue(delivered.isEmpty(), "not delivered while the event loop is busy");

        release.countDown();
        mailbox.awaitDelivered(TimeUnit.SECONDS.toNanos(5));
        assertEquals(List.of(1), delivered);
    }
}
