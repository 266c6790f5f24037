package dev.specgate.gateway.replicas;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The verifier replicas sessions can be placed on. A new session goes to the usable replica holding the fewest
 * sessions (ties taken in turn, so even sessions that do not overlap in time spread out); a replica that failed
 * (down, or slow) is skipped for {@code downTime}, then tried again by new sessions. The set itself changes when the addresses are
 * resolved again ({@link ReplicaResolver}).
 */
final class ReplicaPool {
    private final long downNanos;
    private final AtomicInteger turn = new AtomicInteger();
    private volatile List<VerifierReplica> replicas = List.of();

    ReplicaPool(Duration downTime) {
        this.downNanos = downTime.toNanos();
    }

    List<VerifierReplica> all() {
        return replicas;
    }

    void replace(List<VerifierReplica> current) {
        replicas = List.copyOf(current);
    }

    /** A usable replica other than {@code excluded}, or null when no usable one is left. */
    VerifierReplica pick(VerifierReplica excluded) {
        List<VerifierReplica> all = replicas;
        int n = all.size();
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(turn.getAndIncrement(), n);
        VerifierReplica best = null;
        for (int i = 0; i < n; i++) {
            VerifierReplica r = all.get((start + i) % n);
            if (r != excluded && r.usable() && (best == null || r.sessions() < best.sessions())) {
                best = r;
            }
        }
        return best;
    }

    /** The replicas in the order to ask something any of them can answer: usable ones first. */
    List<VerifierReplica> preferred() {
        return replicas.stream().sorted(Comparator.comparing(r -> r.usable() ? 0 : 1)).toList();
    }

    /** The replica cannot be reached. True if it was in better health until now. */
    boolean markDown(VerifierReplica replica) {
        return replica.markDown(downNanos);
    }

    /** The replica did not answer in time. True if it was usable until now. */
    boolean markSlow(VerifierReplica replica) {
        return replica.markSlow(downNanos);
    }

    /** Replicas new sessions avoid after a failure. */
    int down() {
        return (int) replicas.stream().filter(VerifierReplica::avoided).count();
    }
}
