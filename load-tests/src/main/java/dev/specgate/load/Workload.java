package dev.specgate.load;

import java.time.Duration;

/**
 * The shape of a run. Closed loop: {@code users} clients each send their next request as soon as the previous
 * one finished. Open loop: requests arrive as a Poisson process at {@code ratePerSecond}, whatever the latency
 * (this is what exposes queueing). Either way a run stops at {@code maxRequests} or after {@code duration},
 * whichever comes first, and requests still running then get {@code grace} to finish.
 */
public record Workload(String label, Kind kind, int users, double ratePerSecond, int maxRequests, Duration duration,
                       Duration grace, int maxTokens, String mode) {

    public enum Kind { CLOSED, OPEN }

    public Workload {
        if (maxRequests <= 0 || maxRequests > 1_000_000) {
            throw new IllegalArgumentException("max requests must be in 1..1000000, was " + maxRequests);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("duration must be in (0, 1 h], was " + duration);
        }
        if (kind == Kind.CLOSED && (users < 1 || users > 1024)) {
            throw new IllegalArgumentException("users must be in 1..1024, was " + users);
        }
        if (kind == Kind.OPEN && !(ratePerSecond > 0 && ratePerSecond <= 10_000)) {
            throw new IllegalArgumentException("rate must be in (0, 10000] per second, was " + ratePerSecond);
        }
        if (maxTokens < 1 || maxTokens > 4096) {
            throw new IllegalArgumentException("max tokens must be in 1..4096, was " + maxTokens);
        }
    }

    public static Workload closed(String label, int users, int maxRequests, Duration duration, int maxTokens,
                                  String mode) {
        return new Workload(label, Kind.CLOSED, users, 0, maxRequests, duration, Duration.ofSeconds(60), maxTokens,
                mode);
    }

    public static Workload open(String label, double ratePerSecond, int maxRequests, Duration duration,
                                int maxTokens, String mode) {
        return new Workload(label, Kind.OPEN, 0, ratePerSecond, maxRequests, duration, Duration.ofSeconds(60),
                maxTokens, mode);
    }

    public String describe() {
        return (kind == Kind.CLOSED ? users + " users (closed loop)" : ratePerSecond + " req/s (open loop, Poisson)")
                + ", at most " + maxRequests + " requests in " + duration.toSeconds() + " s, " + maxTokens
                + " tokens each" + (mode == null ? "" : ", mode " + mode);
    }
}
