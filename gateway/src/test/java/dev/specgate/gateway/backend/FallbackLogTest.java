package dev.specgate.gateway.backend;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FallbackLogTest {

    @Test
    void anOutageLogsALinePerIntervalWithTheCountOfTheRest() {
        List<String> lines = new ArrayList<>();
        long[] now = {0};
        FallbackLog log = new FallbackLog(lines::add, () -> now[0], TimeUnit.SECONDS.toNanos(10));

        log.fellBack("cmpl-1", 3, "UNAVAILABLE");
        assertEquals(1, lines.size(), "the first fallback is logged at once");
        assertTrue(lines.getFirst().contains("cmpl-1") && lines.getFirst().contains("after 3 tokens"));

        for (int i = 2; i <= 500; i++) {  // 500 requests in the next 5 s: counted, not logged
            now[0] += TimeUnit.MILLISECONDS.toNanos(10);
            log.fellBack("cmpl-" + i, 0, i == 500 ? "breaker open" : "UNAVAILABLE");
        }
        assertEquals(1, lines.size());

        now[0] = TimeUnit.SECONDS.toNanos(12);
        log.fellBack("cmpl-501", 7, "UNAVAILABLE");
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).contains("cmpl-501") && lines.get(1).contains("499 more generations fell back in "
                + "the last 12 s (last cause: breaker open)"), lines.get(1));

        now[0] = TimeUnit.SECONDS.toNanos(60);
        log.fellBack("cmpl-502", 1, "UNAVAILABLE");
        assertEquals(3, lines.size());
        assertTrue(!lines.get(2).contains("more generations"), "a quiet spell starts over: " + lines.get(2));
    }
}
