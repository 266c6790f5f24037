package dev.specgate.verifier;

import dev.specgate.engine.sampling.Distribution;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.SparseDistribution;
import dev.specgate.proto.v1.VerifyRequest;

import java.util.List;

/**
 * Checks requests before they reach a session or the scheduler, and turns them into plain values. Every
 * problem is INVALID_ARGUMENT with a message naming the field, so a bad client never disturbs other sessions.
 */
final class RequestValidator {
    /** How far a draft distribution's probabilities may sum from 1 (float rounding over a whole vocabulary). */
    private static final double PROB_SUM_TOLERANCE = 1e-3;
    private static final int MAX_SESSION_ID_LENGTH = 256;

    private final int vocabSize;
    private final int contextLength;
    private final int maxDraftTokens;

    RequestValidator(int vocabSize, int contextLength, int maxDraftTokens) {
        this.vocabSize = vocabSize;
        this.contextLength = contextLength;
        this.maxDraftTokens = maxDraftTokens;
    }

    /** A validated Verify request; {@code draftProbs} is null in greedy mode (q is one-hot there). */
    record Round(String sessionId, long round, int committedOffset, int[] committedTokens, int[] draftTokens,
                 Distribution[] draftProbs, SamplingParams sampling) {
    }

    /** A validated Generate request. */
    record Generation(String sessionId, int[] prompt, int maxTokens, SamplingParams sampling, int[] stopTokens) {
    }

    Round validate(VerifyRequest request) {
        String sessionId = sessionId(request.getSessionId());
        if (request.getRound() == 0) {
            throw Statuses.invalidArgument("round must be >= 1 (rounds are numbered 1, 2, ... within a session)");
        }
        // uint32 on the wire: a Java int with the sign bit set is a huge offset, never a valid position.
        int offset = request.getCommittedOffset();
        if (offset < 0 || offset > contextLength) {
            throw Statuses.notFound("committed_offset " + Integer.toUnsignedString(offset)
                    + " is beyond what the worker holds; resend with committed_offset 0 and the full prefix");
        }
        int[] committed = tokens("committed_tokens", request.getCommittedTokensList());
        if (offset == 0 && committed.length == 0) {
            throw Statuses.invalidArgument("committed_offset 0 needs the full prefix in committed_tokens, got none");
        }
        int[] drafts = tokens("draft_tokens", request.getDraftTokensList());
        if (drafts.length > maxDraftTokens) {
            throw Statuses.invalidArgument(drafts.length + " draft tokens exceed this worker's max_draft_tokens of "
                    + maxDraftTokens);
        }
        SamplingParams sampling = sampling(request.getSampling());
        Distribution[] q = sampling.greedy() ? null : draftDistributions(drafts, request.getDraftProbsList());
        return new Round(sessionId, request.getRound(), offset, committed, drafts, q, sampling);
    }

    Generation validate(GenerateRequest request) {
        String sessionId = sessionId(request.getSessionId());
        int[] prompt = tokens("prompt_tokens", request.getPromptTokensList());
        if (prompt.length == 0) {
            throw Statuses.invalidArgument("prompt_tokens is empty: nothing to continue");
        }
        if (request.getMaxTokens() < 1) {
            throw Statuses.invalidArgument("max_tokens must be >= 1, got " + Integer.toUnsignedString(request.getMaxTokens()));
        }
        if (prompt.length >= contextLength) {
            throw Statuses.outOfRange("prompt of " + prompt.length + " tokens leaves no room in the context of "
                    + contextLength + " tokens");
        }
        // uint32: values past Integer.MAX_VALUE mean "as many as fit", which the context caps anyway.
        int maxTokens = request.getMaxTokens() < 0 ? Integer.MAX_VALUE : request.getMaxTokens();
        int[] stops = tokens("stop_tokens", request.getStopTokensList());
        return new Generation(sessionId, prompt, maxTokens, sampling(request.getSampling()), stops);
    }

    /** Proto sampling settings to the engine's, applying the proto's "0 means off" conventions. */
    static SamplingParams sampling(dev.specgate.proto.v1.SamplingParams p) {
        float temperature = p.getTemperature();
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw Statuses.invalidArgument("sampling.temperature must be a finite number >= 0, got " + temperature);
        }
        if (p.getTopK() < 0) {
            throw Statuses.invalidArgument("sampling.top_k must be >= 0 (0 = off), got " + p.getTopK());
        }
        float topP = p.getTopP();
        if (!(topP >= 0f && topP <= 1f)) {
            throw Statuses.invalidArgument("sampling.top_p must be in [0, 1] (0 = off), got " + topP);
        }
        float minP = p.getMinP();
        if (!(minP >= 0f && minP < 1f)) {
            throw Statuses.invalidArgument("sampling.min_p must be in [0, 1) (0 = off), got " + minP);
        }
        float penalty = p.getRepetitionPenalty();
        if (!(penalty >= 0f) || Float.isInfinite(penalty)) {
            throw Statuses.invalidArgument("sampling.repetition_penalty must be a finite number >= 0 (0 or 1 = off), got "
                    + penalty);
        }
        return new SamplingParams(temperature, p.getTopK(), topP == 0f ? 1f : topP, minP,
                penalty == 0f ? 1f : penalty, p.getSeed());
    }

    private static String sessionId(String id) {
        if (id.isEmpty()) {
            throw Statuses.invalidArgument("session_id is empty");
        }
        if (id.length() > MAX_SESSION_ID_LENGTH) {
            throw Statuses.invalidArgument("session_id is longer than " + MAX_SESSION_ID_LENGTH + " characters");
        }
        return id;
    }

    private int[] tokens(String field, List<Integer> ids) {
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            int id = ids.get(i);
            if (id < 0 || id >= vocabSize) {
                throw Statuses.invalidArgument(field + "[" + i + "] = " + id + " is outside the vocabulary [0, "
                        + vocabSize + ")");
            }
            out[i] = id;
        }
        return out;
    }

    private Distribution[] draftDistributions(int[] drafts, List<SparseDistribution> probs) {
        if (probs.size() != drafts.length) {
            throw Statuses.invalidArgument("sampling mode needs one draft_probs entry per draft token: got "
                    + probs.size() + " for " + drafts.length + " draft tokens");
        }
        Distribution[] q = new Distribution[drafts.length];
        for (int i = 0; i < drafts.length; i++) {
            q[i] = distribution(i, probs.get(i));
            if (q[i].prob(drafts[i]) <= 0) {
                throw Statuses.invalidArgument("draft_probs[" + i + "] gives probability 0 to its own draft token "
                        + drafts[i] + ": the draft cannot have sampled it");
            }
        }
        return q;
    }

    private Distribution distribution(int index, SparseDistribution d) {
        String name = "draft_probs[" + index + "]";
        if (d.getTokenIdsCount() != d.getProbsCount()) {
            throw Statuses.invalidArgument(name + " has " + d.getTokenIdsCount() + " token_ids but "
                    + d.getProbsCount() + " probs");
        }
        if (d.getTokenIdsCount() == 0) {
            throw Statuses.invalidArgument(name + " is empty");
        }
        int[] ids = new int[d.getTokenIdsCount()];
        double[] weights = new double[ids.length];
        double sum = 0;
        for (int j = 0; j < ids.length; j++) {
            ids[j] = d.getTokenIds(j);
            if (ids[j] < 0 || ids[j] >= vocabSize) {
                throw Statuses.invalidArgument(name + ".token_ids[" + j + "] = " + ids[j]
                        + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            float prob = d.getProbs(j);
            if (!(prob >= 0f && prob <= 1f)) {
                throw Statuses.invalidArgument(name + ".probs[" + j + "] = " + prob + " is not a probability");
            }
            weights[j] = prob;
            sum += prob;
        }
        if (Math.abs(sum - 1.0) > PROB_SUM_TOLERANCE) {
            throw Statuses.invalidArgument(name + " probabilities sum to " + sum + ", not 1");
        }
        try {
            return Distribution.fromWeights(ids, weights);
        } catch (IllegalArgumentException e) {
            throw Statuses.invalidArgument(name + ": " + e.getMessage());
        }
    }
}
