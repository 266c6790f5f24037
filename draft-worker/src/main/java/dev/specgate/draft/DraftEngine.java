package dev.specgate.draft;

import dev.specgate.engine.sampling.RoundSeeds;
import dev.specgate.engine.PromptEntropy;
import dev.specgate.engine.model.ContextOverflowException;
import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.KVCacheMemoryException;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.model.SequenceInput;
import dev.specgate.engine.sampling.Distribution;
import dev.specgate.engine.sampling.Logits;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The draft side of speculative decoding, in-process: what {@code DraftService} serves over gRPC, callable directly
 * when the draft runs inside the gateway.
 *
 * <p>Each session keeps a KV cache of its tokens. A Propose first syncs the session to the caller's committed
 * sequence ({@code committed_offset} / {@code committed_tokens}): the cache is cut back to the longest common
 * prefix of what it holds and the new sequence (this rolls back the draft's rejected proposals, while accepted
 * ones stay cached), the rest is fed in one forward pass, and then k tokens are proposed by k sampling steps.
 *
 * <p>Thread-safe: sessions run in parallel, calls of one session one at a time. Errors are gRPC statuses:
 * NOT_FOUND (session unknown, resend from offset 0), INVALID_ARGUMENT, OUT_OF_RANGE, RESOURCE_EXHAUSTED.
 */
public final class DraftEngine implements AutoCloseable {
    private final Model model;
    private final DraftConfig config;
    private final SessionStore sessions;
    private final ModelInfo info;

    public DraftEngine(Model model, DraftConfig config) {
        this.model = model;
        this.config = config;
        this.sessions = new SessionStore(config.maxSessions(), config.sessionTtl());
        this.info = ModelInfo.newBuilder()
                .setModel(model.name())
                .setVocabSize(model.config().vocabSize())
                .setContextLength(model.config().contextLength())
                .setTokenizerFingerprint(model.tokenizer().fingerprint())
                .setEosToken(model.tokenizer().eos())
                .setMaxDraftTokens(config.maxDraftTokens())
                .build();
    }

    public DraftEngine(Model model) {
        this(model, DraftConfig.DEFAULT);
    }

    public ModelInfo info() {
        return info;
    }

    public ReleaseResponse release(ReleaseRequest request) {
        return ReleaseResponse.newBuilder().setReleased(sessions.remove(request.getSessionId()) != null).build();
    }

    /**
     * Hands over the KV cache of session {@code sessionId} if it holds exactly {@code tokens} (a prompt read to
     * measure its entropy, say) and ends the session: draft-only decoding in this process can then go on from the
     * cache instead of reading the prompt again. Empty if there is no such session (it stays as it is). The caller
     * closes the cache.
     */
    public Optional<KVCache> takeCache(String sessionId, int[] tokens) {
        DraftSession session = sessions.get(sessionId);
        KVCache cache = session == null ? null : session.handOver(tokens);
        if (cache == null) {
            return Optional.empty();
        }
        sessions.forget(session);
        return Optional.of(cache);
    }

    /** Sessions held now. */
    public int sessionCount() {
        return sessions.size();
    }

    public ProposeResponse propose(ProposeRequest request) {
        long start = System.nanoTime();
        validate(request);
        DraftSession session = sessions.get(request.getSessionId());
        if (session == null) {
            if (request.getCommittedOffset() > 0) {
                throw notFound(request.getSessionId());
            }
            // Offset 0 starts (or, after an eviction, re-creates) the session from the full prefix.
            session = sessions.create(request.getSessionId(), id -> new DraftSession(id, model.newCache()));
        }
        synchronized (session) {
            if (session.closed) {
                throw notFound(request.getSessionId()); // evicted between lookup and lock
            }
            ProposeResponse stored = storedAnswer(session, request);
            if (stored != null) {
                return stored;
            }
            try {
                ProposeResponse response = proposeLocked(session, request, start);
                session.lastRound = request.getRound();
                session.lastResponse = response;
                return response;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    sessions.remove(session); // its cache may be half updated: make the caller start over
                }
                throw e;
            } catch (ContextOverflowException e) {
                sessions.remove(session);
                throw Status.OUT_OF_RANGE.withDescription(e.getMessage()).asRuntimeException();
            } catch (KVCacheMemoryException e) {
                sessions.remove(session);
                throw Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
            } catch (RuntimeException e) {
                sessions.remove(session);
                throw Status.INTERNAL.withDescription("draft failed: " + e).withCause(e).asRuntimeException();
            }
        }
    }

    private static ProposeResponse storedAnswer(DraftSession session, ProposeRequest request) {
        synchronized (session) {
            boolean retry = request.getRound() != 0 && request.getRound() == session.lastRound && !session.closed;
            return retry ? session.lastResponse : null;
        }
    }

    private ProposeResponse proposeLocked(DraftSession session, ProposeRequest request, long start) {
        int offset = request.getCommittedOffset();
        if (offset > session.length()) {
            // We do not know the tokens between what we hold and the offset: only a full resend can fix that.
            throw Status.NOT_FOUND.withDescription("session " + request.getSessionId() + " holds " + session.length()
                    + " tokens, fewer than committed_offset " + offset + ": resend from offset 0").asRuntimeException();
        }
        int newLength = offset + request.getCommittedTokensCount();
        if (newLength == 0) {
            throw Status.INVALID_ARGUMENT.withDescription("the session has no tokens: send the prompt").asRuntimeException();
        }
        int context = model.config().contextLength();
        if (newLength > context) {
            throw Status.OUT_OF_RANGE.withDescription("sequence of " + newLength + " tokens exceeds the draft's context of "
                    + context).asRuntimeException();
        }
        // Longest common prefix of the cached tokens and the new sequence; keep at least one token to feed, since
        // the next-token logits come from feeding the last position.
        int common = 0;
        int limit = Math.min(session.length(), newLength - 1);
        while (common < limit && session.token(common) == tokenAt(session, request, common)) {
            common++;
        }
        int[] feed = new int[newLength - common];
        for (int i = 0; i < feed.length; i++) {
            feed[i] = tokenAt(session, request, common + i);
        }
        session.cache.truncate(common);
        session.truncate(common);
        // Logits for the last `rows` fed positions: the last one to propose from, the others only for the
        // routing signal (window_entropy); each extra row costs one output projection, not a forward pass.
        int rows = Math.max(1, Math.min(request.getEntropyWindow(), feed.length));
        float[] rowLogits = model.forward(List.of(new SequenceInput(session.cache, feed, rows)))[0];
        int vocab = model.config().vocabSize();
        float[] logits = rows == 1 ? rowLogits : Arrays.copyOfRange(rowLogits, (rows - 1) * vocab, rows * vocab);
        for (int t : feed) {
            session.append(t);
        }

        ProposeResponse.Builder response = ProposeResponse.newBuilder().setEntropy((float) Logits.entropyNats(logits));
        if (request.getEntropyWindow() > 0) {
            response.setWindowEntropy((float) PromptEntropy.of(rowLogits, vocab)).setWindowPositions(rows);
        }
        // Propose no more than fits: token i is fed back before token i+1 is drawn, so k tokens need k-1 positions.
        int k = Math.min(request.getK(), context - newLength + 1);
        SamplingParams params = SamplingParamsProto.toEngine(request.getSampling());
        Sampler sampler = new Sampler(params); // only its transforms are used: the uniforms come from our stream
        SplittableRandom random = new SplittableRandom(RoundSeeds.draft(params.seed(), request.getRound()));
        int eos = model.tokenizer().eos();
        for (int i = 0; i < k; i++) {
            if (i > 0) {
                int previous = response.getTokens(i - 1);
                logits = model.forward(session.cache, previous);
                session.append(previous);
            }
            Distribution full = sampler.distribution(logits, session.tokens());
            ProposalDistribution q = ProposalDistribution.truncate(full, config.maxSupport(), config.supportMass());
            int token = q.sampled().sample(random.nextDouble());
            response.addTokens(token).addProbs(q.reported());
            if (token == eos) {
                break; // nothing after end-of-sequence can be committed: don't waste the verifier's time on it
            }
        }
        return response.setComputeMicros((System.nanoTime() - start) / 1000).build();
    }

    /** Token {@code i} of the new sequence: the session's own below the offset, the request's from there on. */
    private static int tokenAt(DraftSession session, ProposeRequest request, int i) {
        int offset = request.getCommittedOffset();
        return i < offset ? session.token(i) : request.getCommittedTokens(i - offset);
    }

    private void validate(ProposeRequest request) {
        if (request.getSessionId().isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("session_id is empty").asRuntimeException();
        }
        if (request.getK() > config.maxDraftTokens()) {
            throw Status.INVALID_ARGUMENT.withDescription("k = " + request.getK() + " exceeds max_draft_tokens "
                    + config.maxDraftTokens()).asRuntimeException();
        }
        int vocab = model.config().vocabSize();
        for (int t : request.getCommittedTokensList()) {
            if (t < 0 || t >= vocab) {
                throw Status.INVALID_ARGUMENT.withDescription("token id " + t + " is outside the vocabulary [0, "
                        + vocab + ")").asRuntimeException();
            }
        }
        var s = request.getSampling();
        if (s.getTemperature() < 0 || s.getTopK() < 0 || s.getTopP() < 0 || s.getTopP() > 1 || s.getMinP() < 0
                || s.getMinP() >= 1 || s.getRepetitionPenalty() < 0) {
            throw Status.INVALID_ARGUMENT.withDescription("invalid sampling parameters: " + s).asRuntimeException();
        }
    }

    private static StatusRuntimeException notFound(String id) {
        return Status.NOT_FOUND.withDescription("draft session " + id + " not found: resend from offset 0")
                .asRuntimeException();
    }

    @Override
    public void close() {
        sessions.clear();
    }
}
