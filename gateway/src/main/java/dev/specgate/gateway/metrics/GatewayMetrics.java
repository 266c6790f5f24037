package dev.specgate.gateway.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways in one JVM, as in tests, do not
 * share counters). Names are listed in the README's Metrics section.
 */
public final class GatewayMetrics {
    /** Circuit breaker states as exported by {@code specgate_circuit_breaker_state}. */
    public static final int BREAKER_CLOSED = 0;
    public static final int BREAKER_OPEN = 1;
    public static final int BREAKER_HALF_OPEN = 2;
    /** Positions beyond this share the last bucket, keeping the label set bounded. */
    private static final int MAX_POSITION_LABEL = 16;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter requests = Counter.builder().name("specgate_requests")
            .help("Completion requests by decode mode and HTTP status").labelNames("mode", "status").register(registry);
    private final Histogram timeToFirstToken = Histogram.builder().name("specgate_time_to_first_token_seconds")
            .help("Time from request to the first generated token")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register(registry);
    private final Histogram interTokenLatency = Histogram.builder().name("specgate_inter_token_latency_seconds")
            .help("Time between consecutive tokens reaching the client (tokens of one batch count as 0)")
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1).register(registry);
    private final Counter generatedTokens = Counter.builder().name("specgate_generated_tokens")
            .help("Tokens generated, by the mode that produced them").labelNames("mode").register(registry);
    private final Counter draftedTokens = Counter.builder().name("specgate_drafted_tokens")
            .help("Draft tokens sent to the verifier").register(registry);
    private final Counter acceptedTokens = Counter.builder().name("specgate_accepted_tokens")
            .help("Draft tokens the verifier accepted").register(registry);
    private final Counter draftedByPosition = Counter.builder().name("specgate_drafted_tokens_by_position")
            .help("Draft tokens sent, by position in the round (1 = first)").labelNames("position").register(registry);
    private final Counter acceptedByPosition = Counter.builder().name("specgate_accepted_tokens_by_position")
            .help("Draft tokens accepted, by position in the round (1 = first)").labelNames("position")
            .register(registry);
    private final Histogram verifierRoundTrip = Histogram.builder().name("specgate_verifier_round_trip_seconds")
            .help("Time of one verification round as the gateway sees it")
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5).register(registry);
    private final Gauge circuitBreakerState = Gauge.builder().name("specgate_circuit_breaker_state")
            .help("Verifier circuit breaker: 0 closed, 1 open, 2 half-open").register(registry);
    private final Counter fallbacks = Counter.builder().name("specgate_fallbacks")
            .help("Generations that continued on the draft alone because the verifier failed").register(registry);
    private final Counter decisions = Counter.builder().name("specgate_decisions")
            .help("Routing decisions by route (local, hybrid, cloud) and reason").labelNames("route", "reason")
            .register(registry);
    private final Histogram speculationK = Histogram.builder().name("specgate_speculation_k")
            .help("Speculation length k chosen by adaptive k, one observation per round (0 = no draft tokens)")
            .classicUpperBounds(0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32).register(registry);
    private final Counter failovers = Counter.builder().name("specgate_verifier_failovers")
            .help("Verifier sessions moved to another replica after theirs failed").register(registry);
    private volatile IntSupplier healthyReplicas = () -> 0;
    private volatile IntSupplier downReplicas = () -> 0;

    {
        GaugeWithCallback.builder().name("specgate_verifier_replicas")
                .help("Verifier replicas (one per resolved address): healthy, or down (skipped after a failure)")
                .labelNames("state").callback(cb -> {
                    cb.call(healthyReplicas.getAsInt(), "healthy");
                    cb.call(downReplicas.getAsInt(), "down");
                }).register(registry);
    }

    public void request(String mode, int status) {
        requests.labelValues(mode, Integer.toString(status)).inc();
    }

    public void timeToFirstToken(long nanos) {
        timeToFirstToken.observe(nanos / 1e9);
    }

    public void interTokenLatency(long nanos) {
        interTokenLatency.observe(nanos / 1e9);
    }

    public void generated(String mode, int tokens) {
        generatedTokens.labelValues(mode).inc(tokens);
    }

    /** One verification round: {@code drafted} tokens proposed, the first {@code accepted} of them accepted. */
    public void round(int drafted, int accepted, long roundTripNanos) {
        draftedTokens.inc(drafted);
        acceptedTokens.inc(accepted);
        for (int position = 1; position <= drafted; position++) {
            String label = Integer.toString(Math.min(position, MAX_POSITION_LABEL));
            draftedByPosition.labelValues(label).inc();
            if (position <= accepted) {
                acceptedByPosition.labelValues(label).inc();
            }
        }
        verifierRoundTrip.observe(roundTripNanos / 1e9);
    }

    public void circuitBreakerState(int state) {
        circuitBreakerState.set(state);
    }

    public void fallback() {
        fallbacks.inc();
    }

    /** One routing decision ({@code route} and {@code reason} are the routing-policy labels). */
    public void decision(String route, String reason) {
        decisions.labelValues(route, reason).inc();
    }

    /** The k chosen for one speculation round. */
    public void speculationK(int k) {
        speculationK.observe(k);
    }

    public void failover() {
        failovers.inc();
    }

    /** Where {@code specgate_verifier_replicas} reads the replicas taking sessions and those skipped after a failure. */
    public void replicas(IntSupplier healthy, IntSupplier down) {
        healthyReplicas = healthy;
        downReplicas = down;
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** The registry in Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
