package dev.specgate.cli;

import dev.specgate.cli.policy.CurveChart;
import dev.specgate.cli.policy.Evaluation;
import dev.specgate.cli.policy.EvaluationReport;
import dev.specgate.cli.policy.PolicyEvaluator;
import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.PromptEntropy;
import dev.specgate.engine.model.Model;
import dev.specgate.load.PromptMix;
import dev.specgate.routing.config.InvalidPolicyException;
import dev.specgate.routing.config.PolicyCodec;
import dev.specgate.routing.config.PolicyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./specgate policy ...}: tools around the routing policy. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Routing policy tools.",
        subcommands = {PolicyCommand.Evaluate.class})
final class PolicyCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a tool: evaluate");
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Share of prompts the policy keeps local against the quality of the draft's answers,"
                    + " for a sweep of entropy_local_nats; prints a table and writes the curve as a PNG.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--prompts", required = true, description = "Prompt file, one prompt per line")
        Path prompts;

        @Option(names = "--draft", defaultValue = ServeCommand.DEFAULT_DRAFT,
                description = "Draft GGUF file, or a file name in $SPECGATE_MODELS (default ${DEFAULT-VALUE})")
        String draft;

        @Option(names = "--verifier", defaultValue = ServeCommand.DEFAULT_VERIFIER,
                description = "Verifier GGUF file, or a file name in $SPECGATE_MODELS (default ${DEFAULT-VALUE})")
        String verifier;

        @Option(names = "--max-tokens", defaultValue = "32",
                description = "Greedy draft tokens per prompt, and the requests' max_tokens (default ${DEFAULT-VALUE})")
        int maxTokens;

        @Option(names = "--last-tokens", defaultValue = "" + PromptEntropy.DEFAULT_WINDOW_TOKENS,
                description = "Entropy window: the prompt's last positions (default ${DEFAULT-VALUE})")
        int lastTokens;

        @Option(names = "--steps", defaultValue = "20",
                description = "Most thresholds in the sweep, at quantiles of the observed entropy (default ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--policy", description = "Routing policy file (YAML or JSON); default: the built-in defaults")
        Path policy;

        @Option(names = "--min-agreement", defaultValue = "0.9",
                description = "Suggest the threshold keeping the most prompts local at this agreement (default ${DEFAULT-VALUE})")
        double minAgreement;

        @Option(names = "--out", defaultValue = "policy-curve.png", description = "PNG chart (default ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--json", description = "Print one JSON object instead of the table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<String> lines = PromptMix.load(prompts).prompts();
            PolicyConfig config = policy == null ? PolicyConfig.defaults() : readPolicy(policy);
            var settings = new PolicyEvaluator.Settings(maxTokens, lastTokens, steps, minAgreement);
            Evaluation evaluation;
            try (Model d = Model.load(ModelFiles.resolve(draft)); Model v = Model.load(ModelFiles.resolve(verifier))) {
                evaluation = PolicyEvaluator.run(d, v, lines, config, policy == null ? "defaults" : policy.toString(),
                        settings);
            }
            CurveChart.write(out, evaluation);
            if (json) {
                System.out.println(Json.write(EvaluationReport.json(evaluation, out.toString())));
            } else {
                System.out.print(EvaluationReport.text(evaluation));
                System.out.println("chart: " + out);
            }
            return 0;
        }

        private static PolicyConfig readPolicy(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IOException("policy file " + file + " does not exist");
            }
            try {
                return PolicyCodec.parse(Files.readString(file));
            } catch (InvalidPolicyException e) {
                throw new IllegalArgumentException("policy file " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
