package dev.specgate.load;

import java.io.IOException;

/** A fault a scenario injects into a {@link Testbed} and later lifts. */
public enum Fault {
    /** The verifier process dies (port closed, sessions lost) and comes back on the same port. */
    KILL_RESTART("verifier killed, then restarted") {
        @Override
        void inject(Testbed bed, long roundTimeoutMs) {
            bed.killVerifier();
        }

        @Override
        void heal(Testbed bed) throws IOException {
            bed.restartVerifier();
        }
    },
    /** The verifier answers, but later than the gateway waits for a round: one-way delay = the round timeout. */
    SLOW_VERIFIER("verifier slower than the round timeout") {
        private long before;

        @Override
        void inject(Testbed bed, long roundTimeoutMs) {
            before = bed.network().oneWayDelayMillis();
            bed.network().oneWayDelay(roundTimeoutMs);
        }

        @Override
        void heal(Testbed bed) {
            bed.network().oneWayDelay(before);
        }
    },
    /** Gateway and verifier cannot reach each other: bytes and new connections are blackholed. */
    PARTITION("network partition (blackhole)") {
        @Override
        void inject(Testbed bed, long roundTimeoutMs) {
            bed.network().partition(true);
        }

        @Override
        void heal(Testbed bed) {
            bed.network().partition(false);
        }
    };

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    abstract void inject(Testbed bed, long roundTimeoutMs) throws IOException;

    abstract void heal(Testbed bed) throws IOException;
}
