package dev.specgate.cli.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An {@link Evaluation} as a text table for people, or as a JSON-ready map (NaN becomes null). */
public final class EvaluationReport {
    private EvaluationReport() {
    }

    public static String text(Evaluation e) {
        PolicyEvaluator.Settings s = e.settings();
        StringBuilder out = new StringBuilder();
        out.append(format("draft %s, verifier %s: %d prompts, up to %d greedy draft tokens each, entropy over the"
                + " prompt's last %d tokens%n", e.draft(), e.verifier(), e.prompts().size(), s.maxTokens(), s.window()));
        out.append(format("all prompts' draft answers: mean log-prob %s nats/token, agreement %s%n",
                number(e.overall().meanLogProb()), number(e.overall().agreement())));
        out.append(format("policy (%s): entropy_local_nats %.3f, entropy_cloud_nats %.3f%n%n", e.policySource(),
                e.current().entropyLocalNats(), e.current().entropyCloudNats()));
        out.append(format("%-20s %11s %13s %14s %10s%n", "entropy_local_nats", "local share", "local prompts",
                "mean log-prob", "agreement"));
        boolean raised = false;
        for (CurvePoint p : e.curve()) {
            boolean cloudRaised = p.entropyCloudNats() > e.current().entropyCloudNats();
            raised |= cloudRaised;
            out.append(row(format("%.3f", p.entropyLocalNats()) + (cloudRaised ? "*" : ""), p));
        }
        out.append(row(format("current %.3f", e.current().entropyLocalNats()), e.current()));
        if (raised) {
            out.append("* at or above entropy_cloud_nats: the policy would need entropy_cloud_nats above it too\n");
        }
        out.append('\n').append(suggestion(e)).append('\n');
        return out.toString();
    }

    public static Map<String, Object> json(Evaluation e, String chart) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("draft", e.draft());
        out.put("verifier", e.verifier());
        out.put("prompts", e.prompts().size());
        out.put("max_tokens", e.settings().maxTokens());
        out.put("last_tokens", e.settings().window());
        out.put("policy", e.policySource());
        out.put("overall", verdict(e.overall()));
        List<Map<String, Object>> curve = new ArrayList<>();
        e.curve().forEach(p -> curve.add(point(p)));
        out.put("curve", curve);
        out.put("current", point(e.current()));
        Map<String, Object> suggested = new LinkedHashMap<>();
        suggested.put("min_agreement", e.settings().minAgreement());
        suggested.put("entropy_local_nats", e.suggested().map(CurvePoint::entropyLocalNats).orElse(null));
        suggested.put("local_share", e.suggested().map(CurvePoint::localShare).orElse(null));
        out.put("suggested", suggested);
        List<Map<String, Object>> prompts = new ArrayList<>();
        for (PromptScore p : e.prompts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompt", p.prompt());
            m.put("prompt_tokens", p.promptTokens());
            m.put("draft_entropy_nats", finite(p.draftEntropyNats()));
            m.put("draft_ids", p.draftIds());
            m.putAll(verdict(p.verdict()));
            prompts.add(m);
        }
        out.put("per_prompt", prompts);
        out.put("chart", chart);
        return out;
    }

    private static String suggestion(Evaluation e) {
        double min = e.settings().minAgreement();
        return e.suggested()
                .map(p -> format("suggested entropy_local_nats for agreement >= %.2f: %.3f (local share %.1f%%,"
                        + " agreement %.3f)", min, p.entropyLocalNats(), 100 * p.localShare(), p.local().agreement()))
                .orElse(format("no threshold keeps prompts local with agreement >= %.2f", min));
    }

    private static String row(String threshold, CurvePoint p) {
        return format("%-20s %10.1f%% %13s %14s %10s%n", threshold, 100 * p.localShare(),
                p.localPrompts() + "/" + p.prompts(), number(p.local().meanLogProb()), number(p.local().agreement()));
    }

    private static Map<String, Object> point(CurvePoint p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entropy_local_nats", p.entropyLocalNats());
        m.put("entropy_cloud_nats", p.entropyCloudNats());
        m.put("local_share", p.localShare());
        m.put("local_prompts", p.localPrompts());
        m.putAll(verdict(p.local()));
        return m;
    }

    private static Map<String, Object> verdict(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scored_tokens", v.tokens());
        m.put("mean_logprob", finite(v.meanLogProb()));
        m.put("agreement", finite(v.agreement()));
        return m;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String number(double value) {
        return Double.isFinite(value) ? format("%.3f", value) : "-";
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
