package dev.specgate.cli;

import dev.specgate.engine.Generator;
import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.draft.SamplingParamsProto;
import dev.specgate.gateway.decode.DecodeRequest;
import dev.specgate.gateway.decode.DecodeResult;
import dev.specgate.gateway.decode.LocalModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./specgate generate}: one completion on one model, printed as text or JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a continuation of a prompt with one model.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "GGUF file, or a file name in $SPECGATE_MODELS")
    String model;

    @Option(names = "--prompt", required = true, description = "Prompt text")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Most tokens to generate (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens; 0 is off")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling threshold; 1 is off")
    float topP;

    @Option(names = "--min-p", defaultValue = "0", description = "Drop tokens below min-p x the top probability")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1", description = "Repetition penalty; 1 is off")
    float repeatPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the text")
    boolean json;

    @Option(names = "--draft", description = "Draft model: speculative decoding in-process (draft + verifier, no network)")
    String draft;

    @Option(names = "--k", defaultValue = "4", description = "Draft tokens per round with --draft (default ${DEFAULT-VALUE})")
    int k;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1");
        }
        SamplingParams params = new SamplingParams(temperature, topK, topP, minP, repeatPenalty, seed);
        if (draft != null) {
            return speculative(params);
        }
        try (Model m = Model.load(ModelFiles.resolve(model))) {
            int[] promptIds = m.tokenizer().encode(prompt);
            Generator.Result r = Generator.generate(m, promptIds, maxTokens, params);
            String text = m.tokenizer().decode(r.ids());
            if (!json) {
                System.out.println(prompt + text);
                return 0;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", m.name());
            out.put("prompt_ids", promptIds);
            out.put("ids", r.ids());
            out.put("text", text);
            out.put("tokens_per_second", r.decodeTokensPerSecond());
            out.put("prefill_ms", r.prefillNanos() / 1e6);
            out.put("decode_ms", r.decodeNanos() / 1e6);
            System.out.println(Json.write(out));
            return 0;
        }
    }

    /** --draft: the verifier's output (exactly, or in distribution) for fewer verifier passes. */
    private int speculative(SamplingParams params) throws Exception {
        if (k < 1) {
            throw new IllegalArgumentException("--k must be at least 1");
        }
        try (LocalModels models = LocalModels.load(model, draft)) {
            var decoder = models.decoder(); // refuses a draft with another tokenizer
            var tokenizer = models.verifierModel().tokenizer();
            int[] promptIds = tokenizer.encode(prompt);
            DecodeResult r = decoder.generate(new DecodeRequest(promptIds, maxTokens, SamplingParamsProto.toProto(params), k));
            String text = tokenizer.decode(r.ids());
            if (!json) {
                System.out.println(prompt + text);
                return 0;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", models.verifierModel().name());
            out.put("draft", models.draftModel().name());
            out.put("k", k);
            out.put("prompt_ids", promptIds);
            out.put("ids", r.ids());
            out.put("text", text);
            out.put("tokens_per_second", r.tokensPerSecond());
            out.put("finish_reason", r.finishReason());
            out.put("rounds", r.rounds());
            out.put("drafted_tokens", r.draftedTokens());
            out.put("accepted_tokens", r.acceptedTokens());
            out.put("mean_acceptance_length", r.meanAcceptanceLength());
            out.put("acceptance_rate", r.acceptanceRate());
            out.put("total_ms", r.totalNanos() / 1e6);
            System.out.println(Json.write(out));
            return 0;
        }
    }
}
