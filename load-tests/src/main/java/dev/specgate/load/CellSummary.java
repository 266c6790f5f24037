package dev.specgate.load;

import java.util.Arrays;
import java.util.List;

/**
 * The figures of one group of requests (a comparison cell, a scenario): latency percentiles, throughput,
 * acceptance, how much the verifier ("the cloud") served, fallbacks and errors.
 *
 * @param cloudShare      fraction of completion tokens in requests the verifier served to the end (a request that
 *                        fell back to the draft counts as draft, so this is a lower bound)
 * @param meanAcceptanceLength token-weighted mean over speculative requests of the gateway's per-request figure
 *                        (accepted draft tokens + the verifier's bonus token per round); NaN without any
 */
public record CellSummary(String label, String mode, int concurrency, long rttMs, int requests, int errors,
                          int incomplete, int fallbacks, long tokens, double wallSeconds,
                          double ttftP50, double ttftP95, double ttftP99,
                          double itlP50, double itlP95, double itlP99,
                          double streamTokensPerSecond, double aggregateTokensPerSecond,
                          double meanAcceptanceLength, double cloudShare) {

    public static CellSummary of(String label, String mode, int concurrency, long rttMs, List<RequestRecord> records) {
        Percentiles ttft = new Percentiles(records.stream().filter(RequestRecord::ok)
                .mapToDouble(RequestRecord::ttftMs).toArray());
        Percentiles itl = new Percentiles(records.stream().filter(RequestRecord::ok)
                .flatMapToDouble(r -> Arrays.stream(r.interTokenMs())).toArray());
        long tokens = records.stream().mapToLong(RequestRecord::completionTokens).sum();
        long first = records.stream().mapToLong(RequestRecord::startMs).min().orElse(0);
        long last = records.stream().mapToLong(RequestRecord::endMs).max().orElse(0);
        double wall = Math.max(1, last - first) / 1000.0;
        double streamRate = records.stream().filter(RequestRecord::ok).mapToDouble(RequestRecord::tokensPerSecond)
                .average().orElse(Double.NaN);
        long specTokens = 0;
        double weighted = 0;
        long cloudTokens = 0;
        for (RequestRecord r : records) {
            if (r.ok() && "speculative".equals(r.mode()) && r.meanAcceptanceLength() > 0) {
                specTokens += r.completionTokens();
                weighted += r.meanAcceptanceLength() * r.completionTokens();
            }
            if (r.servedByVerifier()) {
                cloudTokens += r.completionTokens();
            }
        }
        return new CellSummary(label, mode, concurrency, rttMs, records.size(),
                (int) records.stream().filter(r -> !r.ok()).count(),
                (int) records.stream().filter(r -> !r.complete()).count(),
                (int) records.stream().filter(RequestRecord::fallback).count(), tokens, wall,
                ttft.at(50), ttft.at(95), ttft.at(99), itl.at(50), itl.at(95), itl.at(99),
                streamRate, tokens / wall, specTokens == 0 ? Double.NaN : weighted / specTokens,
                tokens == 0 ? 0 : (double) cloudTokens / tokens);
    }
}
