package dev.specgate.cli.policy;

import dev.specgate.engine.model.Model;
import dev.specgate.routing.config.PolicyConfig;

import java.util.ArrayList;
import java.util.List;

/** Scores every prompt on the pair, then sweeps the local threshold of the policy over the results. */
public final class PolicyEvaluator {

    /**
     * @param maxTokens    draft tokens generated (greedy) per prompt
     * @param window       entropy window: the prompt's last positions
     * @param steps        most thresholds in the sweep
     * @param minAgreement agreement the suggested threshold must keep among local prompts
     */
    public record Settings(int maxTokens, int window, int steps, double minAgreement) {
        public Settings {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("--max-tokens must be at least 1");
            }
            if (window < 1) {
                throw new IllegalArgumentException("--last-tokens must be at least 1");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be at least 1");
            }
            if (!(minAgreement >= 0 && minAgreement <= 1)) {
                throw new IllegalArgumentException("--min-agreement must be between 0 and 1");
            }
        }
    }

    private PolicyEvaluator() {
    }

    public static Evaluation run(Model draft, Model verifier, List<String> prompts, PolicyConfig policy,
                                 String policySource, Settings settings) {
        PromptScorer scorer = new PromptScorer(draft, verifier, settings.maxTokens(), settings.window());
        List<PromptScore> scores = new ArrayList<>();
        for (String prompt : prompts) {
            scores.add(scorer.score(prompt));
        }
        LocalRouting routing = new LocalRouting(policy, settings.maxTokens());
        ThresholdSweep sweep = new ThresholdSweep(scores, routing);
        List<CurvePoint> curve = sweep.curve(settings.steps());
        return new Evaluation(draft.name(), verifier.name(), settings, policySource, scores, sweep.overall(), curve,
                sweep.at(routing.currentThreshold()), ThresholdSweep.suggest(curve, settings.minAgreement()));
    }
}
