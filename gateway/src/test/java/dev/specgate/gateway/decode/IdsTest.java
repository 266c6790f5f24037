package dev.specgate.gateway.decode;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest {

    @Test
    void idsAreThirtyTwoHexDigitsAndNeverRepeatAcrossThreads() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 100_000).parallel().forEach(i -> {
            String id = Ids.SESSIONS.next();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            assertTrue(seen.add(id), "repeated " + id);
        });
        assertEquals(100_000, seen.size());
    }

    @Test
    void consecutiveIdsDoNotReadAsACount() {
        long a = Long.parseUnsignedLong(Ids.COMPLETIONS.next().substring(16), 16);
        long b = Long.parseUnsignedLong(Ids.COMPLETIONS.next().substring(16), 16);
        assertTrue(Math.abs(b - a) > 1_000_000, "scrambled: " + a + ", " + b);
    }

    @Test
    void completionIdsDoNotRevealSessionIds() {
        Set<String> prefixes = new HashSet<>();
        prefixes.add(Ids.SESSIONS.next().substring(0, 16));
        prefixes.add(Ids.COMPLETIONS.next().substring(0, 16));
        assertEquals(2, prefixes.size(), "each kind has its own random prefix");
        assertNotEquals(Ids.SESSIONS.next(), Ids.SESSIONS.next());
    }
}
