package dev.specgate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * deploy/local end to end: two verifier replicas, a draft-worker and a gateway as separate processes; completions
 * through the gateway; a real Prometheus scraping the gateway and the verifiers; one replica killed while requests
 * keep succeeding; SIGTERM to the script stops every process.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LocalTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path runDir;
    private static Process script;
    private static int gatewayPort;
    private static int verifierPort;
    private static int metricsPort;
    private static int prometheusPort;
    private static String model;
    private static final List<ProcessHandle> started = new ArrayList<>();

    @BeforeAll
    static void startTopology() throws Exception {
        Tools.model("kjv-verifier-14m-q8_0.gguf");
        Tools.model("kjv-draft-1m-q8_0.gguf");
        runDir = Files.createTempDirectory("specgate-local-test");
        // The launcher runs the CLI on this test's classpath (the reactor's built classes): no nested build.
        Path launcher = runDir.resolve("specgate-bin");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
                + " --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Xmx512m -XX:TieredStopAtLevel=1"
                + " -cp '" + System.getProperty("java.class.path") + "' dev.specgate.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        int base = Tools.freePorts(7);
        gatewayPort = base;
        verifierPort = base + 1;   // and + 2
        int draftPort = base + 3;
        metricsPort = base + 4;    // and + 5
        prometheusPort = base + 6;
        ProcessBuilder pb = new ProcessBuilder("bash", Tools.deploy().resolve("local/specgate-local.sh").toString(),
                "--replicas", "2", "--gateway-port", "" + gatewayPort, "--verifier-port", "" + verifierPort,
                "--draft-port", "" + draftPort, "--metrics-port", "" + metricsPort,
                "--run-dir", runDir.resolve("run").toString(), "--ready-timeout", "120")
                .redirectErrorStream(true).redirectOutput(runDir.resolve("script.log").toFile());
        pb.environment().put("SPECGATE_BIN", launcher.toString());
        script = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (!Files.exists(runDir.resolve("run/ready"))) {
            if (!script.isAlive() || System.nanoTime() > deadline) {
                fail("deploy/local did not become ready:\n" + Files.readString(runDir.resolve("script.log")));
            }
            Thread.sleep(250);
        }
        script.descendants().forEach(started::add);
        JsonNode models = JSON.readTree(get("http://127.0.0.1:" + gatewayPort + "/v1/models").body());
        model = models.path("data").path(0).path("id").asText();
    }

    @Test
    @Order(1)
    void completionsFlowAndPrometheusScrapesAcceptanceAndBatchMetrics() throws Exception {
        // Speculation asked for explicitly (the routing policy may route these prompts elsewhere), until some
        // draft token was accepted: adaptive k may switch speculation off after a session's first round.
        long accepted = 0;
        for (int i = 0; i < 20 && (i < 4 || accepted == 0); i++) {
            accepted += complete("In the beginning " + i);
        }
        assertTrue(accepted > 0, "no draft token accepted in 20 speculative requests");
        Path promtool = Tools.require("prometheus");
        Path dir = runDir.resolve("prometheus");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: specgate-gateway
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                  - job_name: specgate-verifier
                    static_configs:
                      - targets: ["127.0.0.1:%d", "127.0.0.1:%d"]
                """.formatted(gatewayPort, metricsPort, metricsPort + 1));
        Process prometheus = new ProcessBuilder(promtool.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            assertTrue(queryUntilPositive("specgate_accepted_tokens_total", prometheus) > 0);
            assertTrue(queryUntilPositive("sum(specgate_verifier_batch_rows_count)", prometheus) > 0);
            assertTrue(queryUntilPositive("sum(specgate_verifier_batches_total)", prometheus) > 0);
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(2)
    void requestsKeepSucceedingWhenAVerifierReplicaDies() throws Exception {
        long pid = Long.parseLong(Files.readString(runDir.resolve("run/verifier-1.pid")).trim());
        ProcessHandle replica = ProcessHandle.of(pid).orElseThrow();
        assertTrue(replica.destroyForcibly());
        replica.onExit().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 6; i++) {
            complete("And God said " + i);
        }
        String ready = get("http://127.0.0.1:" + gatewayPort + "/health/ready").body();
        assertTrue(ready.contains("\"status\":\"ready\""), ready);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (script == null) {
            return;
        }
        script.descendants().forEach(h -> {
            if (!started.contains(h)) {
                started.add(h);
            }
        });
        script.destroy(); // SIGTERM: the script's trap stops every process group
        boolean exited = script.waitFor(40, TimeUnit.SECONDS);
        List<ProcessHandle> left = started.stream().filter(ProcessHandle::isAlive).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        script.destroyForcibly();
        String log = Files.readString(runDir.resolve("script.log"));
        assertTrue(exited, "the script did not exit within 40 s of SIGTERM:\n" + log);
        assertTrue(left.isEmpty(), "processes left behind: " + left.stream().map(ProcessHandle::pid).toList()
                + "\n" + log);
        assertTrue(started.size() >= 4, "expected 4 processes (2 verifiers, draft, gateway): " + started);
        assertTrue(log.contains("specgate-local: stopped"), log);
    }

    /** One speculative completion; returns its accepted draft tokens. */
    private static long complete(String prompt) throws Exception {
        String body = JSON.createObjectNode().put("model", model).put("prompt", prompt).put("max_tokens", 12)
                .put("temperature", 0).put("specgate_route", "hybrid").toString();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gatewayPort + "/v1/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode json = JSON.readTree(response.body());
        assertTrue(json.path("usage").path("completion_tokens").asInt() > 0, response.body());
        return json.path("usage").path("specgate").path("accepted_tokens").asLong();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls Prometheus's query API (up to 60 s) until the query has a positive value; returns it. */
    private static double queryUntilPositive(String query, Process prometheus) throws Exception {
        String url = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!prometheus.isAlive()) {
                fail("prometheus exited:\n" + Files.readString(runDir.resolve("prometheus/prometheus.log")));
            }
            try {
                last = get(url).body();
                JsonNode result = JSON.readTree(last).path("data").path("result");
                if (result.size() > 0) {
                    double value = result.path(0).path("value").path(1).asDouble();
                    if (value > 0) {
                        return value;
                    }
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        fail("no positive value for " + query + " in Prometheus within 60 s; last answer: " + last);
        return 0;
    }
}
