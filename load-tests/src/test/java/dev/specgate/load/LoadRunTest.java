package dev.specgate.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specgate.engine.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closed- and open-loop runs and a miniature comparison against an in-process system: records and report. */
class LoadRunTest {
    private static Testbed bed;
    private static StreamingClient client;

    @BeforeAll
    static void start() throws Exception {
        bed = Testbed.start(TestModels.path("kjv-draft-1m-q8_0.gguf").toString(),
                TestModels.path("kjv-verifier-14m-q8_0.gguf").toString(), c -> { });
        // Speculative requests really draft: adaptive k may (rightly) choose k = 0 on this pair for whole requests.
        bed.putPolicy(AdaptiveKSweep.speculationPolicy(Comparison.FIXED_K, Comparison.FIXED_K, Comparison.FIXED_K));
        client = new StreamingClient(bed.baseUrl(), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private static PromptMix prompts() {
        try {
            return PromptMix.load(TestModels.reference("prompts.txt"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void closedLoopRecordsEveryStream() throws Exception {
        Workload w = Workload.closed("closed", 3, 9, Duration.ofSeconds(20), 24, "speculative");
        List<RequestRecord> records = new LoadGenerator(client, prompts(), false).run(w, System.nanoTime());
        assertEquals(9, records.size(), "bounded by the request count");
        for (RequestRecord r : records) {
            assertTrue(r.complete(), r.toString());
            assertEquals("speculative", r.mode());
            assertTrue(r.ttftMs() > 0 && r.tokenTimesMs().length >= 1);
            assertTrue(r.draftedTokens() > 0 && r.acceptedTokens() <= r.draftedTokens());
            assertTrue(r.meanAcceptanceLength() >= 1);
        }
    }

    @Test
    void openLoopIsBoundedInTime() throws Exception {
        Workload w = Workload.open("open", 5, 1000, Duration.ofSeconds(2), 16, "verifier-only");
        long t = System.nanoTime();
        List<RequestRecord> records = new LoadGenerator(client, prompts(), false).run(w, t);
        double seconds = (System.nanoTime() - t) / 1e9;
        assertTrue(seconds < 15, "took " + seconds);
        assertTrue(records.size() >= 2 && records.size() <= 30, "about 10 Poisson arrivals: " + records.size());
        records.forEach(r -> assertTrue(r.complete() && "verifier-only".equals(r.mode()), r.toString()));
    }

    @Test
    void miniatureComparisonWritesTheReport(@TempDir Path dir) throws Exception {
        var options = new Comparison.Options(List.of(0L, 20L), List.of(1, 2), List.of(1, 2), 20,
                Duration.ofMillis(1500), 16, 50, false,
                Duration.ZERO);
        Report report = Comparison.run(bed, client, LoadRunTest::prompts, options, "test", false,
                new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(12, report.groups().size(), "3 modes x 2 concurrencies x 2 RTTs");
        assertEquals(Comparison.MODES, report.groups().stream().map(g -> g.summary().mode()).distinct().toList());
        report.groups().forEach(g -> assertEquals(0, g.summary().incomplete(), g.summary().toString()));
        ReportWriter.write(dir, report, true);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(12, json.get("groups").size());
        assertTrue(json.get("groups").get(0).get("itlP95").isNumber());
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("per-stream speedup, auto / verifier-only") && md.contains("verifier capacity"), md);
        for (String chart : List.of("itl-cdf-rtt20.png", "ttft-cdf-rtt0.png", "stream-tokens-per-second.png",
                "acceptance-over-time.png")) {
            assertTrue(Files.size(dir.resolve(chart)) > 1000, chart);
            assertTrue(md.contains("](" + chart + ")"), chart);
        }
        assertFalse(Files.readAllLines(dir.resolve("records.jsonl")).isEmpty());
    }
}
