package dev.specgate.verifier;

import dev.specgate.engine.model.MemoryBudget;
import dev.specgate.engine.model.Model;
import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;

/**
 * The verifier worker's logic, embeddable in-process (gateway, CLI) and served over gRPC by
 * {@link VerifierGrpcService}. Errors are {@link StatusRuntimeException}s with the codes the proto documents,
 * so in-process callers see the same statuses as remote ones. Thread-safe; the model stays owned by the caller.
 */
public final class VerifierEngine implements AutoCloseable {
    private final Model model;
    private final VerifierConfig config;
    private final RequestValidator validator;
    private final SessionStore store;
    private final MemoryBudget budget;
    private final VerificationScheduler scheduler;
    private final ModelInfo info;

    public VerifierEngine(Model model, VerifierConfig config) {
        this.model = model;
        this.config = config;
        int vocab = model.config().vocabSize();
        int context = model.config().contextLength();
        this.validator = new RequestValidator(vocab, context, config.maxDraftTokens());
        this.budget = new MemoryBudget(config.kvMemoryBytes());
        this.store = new SessionStore(model, budget, config.sessionTtl().toNanos());
        this.scheduler = new VerificationScheduler(model, store, config);
        this.info = ModelInfo.newBuilder()
                .setModel(model.name())
                .setVocabSize(vocab)
                .setContextLength(context)
                .setTokenizerFingerprint(model.tokenizer().fingerprint())
                .setEosToken(model.tokenizer().eos())
                .setMaxDraftTokens(config.maxDraftTokens())
                .build();
    }

    /** One speculation round; the future fails with a {@link StatusRuntimeException}. */
    public CompletableFuture<VerifyResponse> verify(VerifyRequest request) {
        try {
            RequestValidator.Round round = validator.validate(request);
            SessionStore.Admission admission = store.admit(round.sessionId(), round.round(),
                    round.committedOffset(), System.nanoTime());
            if (admission.run()) {
                try {
                    scheduler.submit(new VerifyRound(admission.session(), round, admission.answer(),
                            model.config().contextLength(), model.config().vocabSize()));
                } catch (StatusRuntimeException e) {
                    admission.session().abandonRound(round.round(), System.nanoTime());
                    admission.answer().completeExceptionally(e);
                }
            }
            // A copy, so that a caller cancelling its future cannot cancel a retry's shared answer.
            return admission.answer().copy();
        } catch (StatusRuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Verifier-only generation; tokens stream to {@code observer} from the scheduler thread. */
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        startGeneration(request, observer);
    }

    /**
     * Like {@link #generate}, returning a handle to cancel the generation (the gRPC service calls it when the
     * client goes away); null when the request was refused (the observer has its error).
     */
    Runnable startGeneration(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        GenerateStream stream;
        try {
            RequestValidator.Generation generation = validator.validate(request);
            stream = new GenerateStream(generation, model.newCache(model.config().contextLength(), budget),
                    observer, model.tokenizer().eos());
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return null;
        }
        try {
            scheduler.submit(stream);
        } catch (StatusRuntimeException e) {
            stream.fail(e);
            return null;
        }
        return stream::cancel;
    }

    public ModelInfo info() {
        return info;
    }

    public ReleaseResponse release(ReleaseRequest request) {
        return ReleaseResponse.newBuilder().setReleased(store.release(request.getSessionId())).build();
    }

    public VerifierConfig config() {
        return config;
    }

    /** Batch and session counters (for metrics, benchmarks and tests). */
    public SchedulerStats stats() {
        return scheduler.stats();
    }

    /** Total time the scheduler has spent in forward passes: with wall time, how busy the verifier is. */
    public long forwardNanos() {
        return scheduler.forwardNanos();
    }

    /** Calls {@code observer} on the scheduler thread after every forward pass (one observer; null removes it). */
    public void observeBatches(BatchObserver observer) {
        scheduler.observeBatches(observer);
    }

    /** True when the worker holds the session (for tests and diagnostics). */
    public boolean holdsSession(String sessionId) {
        return store.contains(sessionId);
    }

    /** Stops the scheduler (queued rounds fail with UNAVAILABLE) and frees every session. The model stays open. */
    @Override
    public void close() {
        scheduler.close();
        store.dropAll();
        store.freeClosed(); // the scheduler thread has ended: this thread now owns the caches
    }
}
