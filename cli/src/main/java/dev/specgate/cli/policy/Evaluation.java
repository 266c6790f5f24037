package dev.specgate.cli.policy;

import java.util.List;
import java.util.Optional;

/**
 * The result of {@code ./specgate policy evaluate}.
 *
 * @param draft        the draft model's name
 * @param verifier     the verifier model's name
 * @param settings     what was run
 * @param policySource the policy file, or {@code "defaults"}
 * @param prompts      every prompt's signal and verdict, in file order
 * @param overall      the verdict on all prompts' draft answers
 * @param curve        the sweep, thresholds rising
 * @param current      the policy's own {@code entropy_local_nats}
 * @param suggested    the point keeping the most prompts local at {@code settings.minAgreement()}, if any
 */
public record Evaluation(String draft, String verifier, PolicyEvaluator.Settings settings, String policySource,
                         List<PromptScore> prompts, Verdict overall, List<CurvePoint> curve, CurvePoint current,
                         Optional<CurvePoint> suggested) {
}
