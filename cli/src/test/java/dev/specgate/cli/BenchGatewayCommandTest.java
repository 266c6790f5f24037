package dev.specgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specgate.engine.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./specgate bench gateway} end to end at its smallest: both paths through an emulated network, both modes.
 * Its figures are for docs/benchmarks.md; this checks that it runs and that both paths did the same work.
 */
class BenchGatewayCommandTest {

    @Test
    void comparesBothPathsOverTheEmulatedNetworkForEachMode(@TempDir Path dir) throws Exception {
        Path prompts = Files.write(dir.resolve("prompts.txt"),
                Files.readAllLines(TestModels.reference("prompts.txt")).subList(0, 2));
        CliRun run = CliRun.of("bench", "gateway", "--model", TestModels.path("kjv-verifier-14m-q8_0.gguf").toString(),
                "--draft", TestModels.path("kjv-draft-1m-q8_0.gguf").toString(), "--prompts", prompts.toString(),
                "--max-tokens", "6", "--warmup-requests", "3", "--warmup", "1", "--repeats", "1",
                "--rtt-ms", "4", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(4, json.get("rtt_ms").asLong());
        assertEquals(3, json.get("warmup_requests").asInt());
        JsonNode results = json.get("results");
        assertEquals(List.of("speculative", "verifier-only"),
                List.of(results.get(0).get("mode").asText(), results.get(1).get("mode").asText()));
        for (JsonNode r : results) {
            assertEquals(2, r.get("requests_per_path").asInt(), r.toString());
            // Greedy, same prompts, same verifier: the gateway and the direct path generate the same tokens.
            assertEquals(r.get("tokens_direct").asLong(), r.get("tokens_gateway").asLong(), r.toString());
            assertTrue(r.get("tokens_gateway").asLong() > 0, r.toString());
            // Every request crossed the 4 ms round trip at least once before its first token.
            assertTrue(r.get("ttft_ms_gateway").asDouble() >= 4 && r.get("ttft_ms_direct").asDouble() >= 4, r.toString());
        }
    }
}
