package dev.specgate.gateway.http;

import java.util.concurrent.atomic.AtomicInteger;

/** Bounds the generations running at once: past the bound, requests are refused with 503 instead of queueing. */
final class AdmissionControl {
    private final int max;
    private final AtomicInteger inFlight = new AtomicInteger();

    AdmissionControl(int max) {
        this.max = max;
    }

    boolean tryAcquire() {
        while (true) {
            int now = inFlight.get();
            if (now >= max) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }
}
