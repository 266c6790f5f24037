package dev.specgate.verifier;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifierMetricsTest {

    @Test
    void servesBatchHistogramsAndGaugesOverHttp() throws Exception {
        try (Harness h = new Harness(VerifierConfig.defaults());
             VerifierMetrics metrics = new VerifierMetrics(h.engine).serve(0)) {
            h.stub.verify(Harness.round("metrics", 1, 0, Harness.PROMPTS[0], new int[] {405}).build());
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metrics.port() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            String body = response.body();
            assertTrue(body.contains("specgate_verifier_batch_rows_count 1"), body);
            assertTrue(body.contains("specgate_verifier_batch_sessions_bucket{le=\"1.0\"} 1"), body);
            assertTrue(body.contains("specgate_verifier_queue_depth 0"), body);
            assertTrue(body.contains("specgate_verifier_sessions 1"), body);
            assertTrue(body.contains("specgate_verifier_batches_total 1"), body);
        }
    }
}
