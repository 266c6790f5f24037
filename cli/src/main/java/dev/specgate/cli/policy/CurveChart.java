package dev.specgate.cli.policy;

import dev.specgate.load.Charts;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sweep as a PNG (the load report's {@link Charts}): local share on x; on y, among the prompts kept local,
 * the greedy agreement and the verifier's mean token probability exp(mean log-prob), both in [0, 1]; a
 * vertical line marks the policy's current threshold.
 */
public final class CurveChart {
    private CurveChart() {
    }

    public static void write(Path file, Evaluation e) throws IOException {
        List<double[]> agreement = new ArrayList<>();
        List<double[]> probability = new ArrayList<>();
        for (CurvePoint p : e.curve()) {
            agreement.add(new double[] {p.localShare(), p.local().agreement()});
            probability.add(new double[] {p.localShare(), Math.exp(p.local().meanLogProb())});
        }
        double x = e.current().localShare();
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        series.put("greedy agreement with the verifier", agreement);
        series.put("verifier token probability, exp(mean log-prob)", probability);
        series.put(String.format(Locale.ROOT, "current entropy_local_nats %.2f", e.current().entropyLocalNats()),
                List.of(new double[] {x, 0}, new double[] {x, 1}));
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Charts.lines(file, "Routing policy: traffic kept local vs quality", "share of prompts kept local (draft only)",
                "quality of the prompts kept local", series, Styler.LegendPosition.OutsideS);
    }
}
