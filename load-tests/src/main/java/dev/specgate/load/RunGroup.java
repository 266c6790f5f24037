package dev.specgate.load;

import java.util.List;

/** One group of requests in a report (a comparison cell, a scenario, a plain run), with its summary. */
public record RunGroup(CellSummary summary, List<RequestRecord> records) {
    public static RunGroup of(String label, String mode, int concurrency, long rttMs, List<RequestRecord> records) {
        return new RunGroup(CellSummary.of(label, mode, concurrency, rttMs, records), records);
    }
}
