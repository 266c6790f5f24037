package dev.specgate.load;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a workload on a {@link Testbed}, injects a {@link Fault} at {@code faultAt} and lifts it at
 * {@code healAt}, then measures what clients saw: the longest stall of a stream at the cut-over to the draft
 * (fallback time) and how long after the heal a new request was verified again (recovery time).
 */
public final class FaultScenario {
    private FaultScenario() {
    }

    /**
     * @param fallbackMs longest wait for the next token, from the fault, of a stream that was running then; NaN
     *                   if no stream was
     * @param recoveryMs from the heal to the start of the first request that then ran speculative without
     *                   fallback; NaN if none did before the run ended
     */
    public record Result(Fault fault, List<RequestRecord> records, long faultAtMs, long healAtMs, double fallbackMs,
                         double recoveryMs, CellSummary summary) {
        /** The acceptance invariants: no failed request and no lost tokens. */
        public List<String> violations() {
            return records.stream().filter(r -> !r.complete())
                    .map(r -> "request at " + r.startMs() + " ms: status " + r.status() + ", " + r.completionTokens()
                            + "/" + r.maxTokens() + " tokens, finish " + r.finishReason() + ", error " + r.error())
                    .toList();
        }
    }

    public static Result run(Testbed bed, LoadGenerator load, Workload workload, Fault fault, Duration faultAt,
                             Duration healAt, long roundTimeoutMs) throws Exception {
        long start = System.nanoTime();
        CompletableFuture<List<RequestRecord>> records = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run(workload, start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        sleepUntil(start, faultAt);
        long faultAtMs = sinceMs(start);
        fault.inject(bed, roundTimeoutMs);
        sleepUntil(start, healAt);
        long healAtMs = sinceMs(start);
        fault.heal(bed);
        List<RequestRecord> done = records.get(workload.duration().plus(workload.grace()).toSeconds() + 30,
                TimeUnit.SECONDS);
        return new Result(fault, done, faultAtMs, healAtMs, fallbackMs(done, faultAtMs), recoveryMs(done, healAtMs),
                CellSummary.of(fault.name().toLowerCase(), workload.mode(), workload.users(), 0, done));
    }

    static double fallbackMs(List<RequestRecord> records, long faultAtMs) {
        double worst = Double.NaN;
        for (RequestRecord r : records) {
            if (r.startMs() >= faultAtMs || r.endMs() <= faultAtMs) {
                continue;
            }
            for (double t : r.tokenTimesMs()) {
                double at = r.startMs() + t;
                if (at >= faultAtMs) {
                    worst = Double.isNaN(worst) ? at - faultAtMs : Math.max(worst, at - faultAtMs);
                    break;
                }
            }
        }
        return worst;
    }

    static double recoveryMs(List<RequestRecord> records, long healAtMs) {
        return records.stream().filter(r -> r.startMs() >= healAtMs)
                .filter(r -> r.ok() && "speculative".equals(r.mode()) && !r.fallback())
                .mapToDouble(r -> r.startMs() - healAtMs).min().orElse(Double.NaN);
    }

    private static void sleepUntil(long start, Duration at) throws InterruptedException {
        long wait = start + at.toNanos() - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static long sinceMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
