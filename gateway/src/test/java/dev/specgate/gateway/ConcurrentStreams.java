package dev.specgate.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several streaming completions at once, with something done to the system while all of them are producing. */
final class ConcurrentStreams {
    /** What a test does once every stream has produced text (kill a worker, ...). */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private ConcurrentStreams() {
    }

    /** Starts {@code streams} streams of {@code body}, runs {@code midStream} once each has text, reads them all. */
    static List<Http.Stream> run(Gateway g, int streams, String body, Action midStream) throws Exception {
        CountDownLatch started = new CountDownLatch(streams);
        ExecutorService clients = Executors.newFixedThreadPool(streams);
        try {
            List<Future<Http.Stream>> futures = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                futures.add(clients.submit(() -> Http.streamSignalling(g.baseUrl() + "/completions", body, started)));
            }
            assertTrue(started.await(60, TimeUnit.SECONDS), "every stream produced text");
            midStream.run();
            List<Http.Stream> out = new ArrayList<>();
            for (Future<Http.Stream> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            clients.shutdownNow();
        }
    }
}
