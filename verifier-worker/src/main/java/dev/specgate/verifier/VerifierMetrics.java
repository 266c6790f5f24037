package dev.specgate.verifier;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The verifier worker's Prometheus metrics (batch sizes, queue depth, sessions, KV memory) in a registry of its
 * own, optionally served as {@code GET /metrics} (and {@code GET /health}) by the JDK's HTTP server. The
 * histograms are fed by every forward pass; gauges and counters are read from {@link VerifierEngine#stats()} at
 * scrape time.
 */
public final class VerifierMetrics implements AutoCloseable {
    /** Default {@code --metrics-port} of {@code ./specgate verifier}; 0 turns the endpoint off. */
    public static final int DEFAULT_PORT = 9464;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final VerifierEngine engine;
    private HttpServer server;
    private ExecutorService executor;

    public VerifierMetrics(VerifierEngine engine) {
        this.engine = engine;
        Histogram batchRows = Histogram.builder().name("specgate_verifier_batch_rows")
                .help("Tokens (rows) of one batched forward pass").classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
        Histogram batchSessions = Histogram.builder().name("specgate_verifier_batch_sessions")
                .help("Sequences (rounds and generation steps) of one batched forward pass").classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry);
        GaugeWithCallback.builder().name("specgate_verifier_queue_depth")
                .help("Rounds and generation steps waiting for a forward pass")
                .callback(cb -> cb.call(engine.stats().queueDepth())).register(registry);
        GaugeWithCallback.builder().name("specgate_verifier_sessions")
                .help("Sessions held (with their KV cache)")
                .callback(cb -> cb.call(engine.stats().sessions())).register(registry);
        GaugeWithCallback.builder().name("specgate_verifier_kv_bytes")
                .help("KV-cache bytes allocated (sessions and generations)")
                .callback(cb -> cb.call(engine.stats().kvBytes())).register(registry);
        GaugeWithCallback.builder().name("specgate_verifier_kv_capacity_bytes")
                .help("KV-cache memory cap of all sessions")
                .callback(cb -> cb.call(engine.config().kvMemoryBytes())).register(registry);
        GaugeWithCallback.builder().name("specgate_verifier_batch_token_budget")
                .help("Token budget of one forward pass (batch_rows / budget = batch occupancy)")
                .callback(cb -> cb.call(engine.config().batchTokenBudget())).register(registry);
        CounterWithCallback.builder().name("specgate_verifier_batches")
                .help("Batched forward passes run")
                .callback(cb -> cb.call(engine.stats().batches())).register(registry);
        CounterWithCallback.builder().name("specgate_verifier_batch_items")
                .help("Rounds and generation steps served, all passes together")
                .callback(cb -> cb.call(engine.stats().items())).register(registry);
        engine.observeBatches((sessions, rows) -> {
            batchSessions.observe(sessions);
            batchRows.observe(rows);
        });
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** The registry in Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Serves {@code /metrics} and {@code /health} on {@code port} (0 picks a free one) of every interface. */
    public VerifierMetrics serve(int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(port), 16);
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                byte[] body = scrape();
                exchange.getResponseHeaders().set("Content-Type", contentType());
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        http.createContext("/health", exchange -> {
            try (exchange) {
                byte[] body = "{\"status\":\"live\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("verifier-metrics").daemon().factory());
        http.setExecutor(executor);
        http.start();
        server = http;
        return this;
    }

    /** The port served, or -1 when not serving. */
    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Override
    public void close() {
        engine.observeBatches(null);
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }
}
