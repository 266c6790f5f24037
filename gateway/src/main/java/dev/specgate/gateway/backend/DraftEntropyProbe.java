package dev.specgate.gateway.backend;

import dev.specgate.gateway.decode.DraftChannel;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * The draft's uncertainty about a prompt, for routing: the draft reads the prompt into a session (a Propose with
 * k = 0, in-process or over gRPC) and reports the mean entropy of its next-token distributions over the prompt's
 * last {@code window} positions. A speculative generation that then uses the same session id finds the prompt
 * already read; any other route releases the session ({@link #release}). Blocking: call on a decode thread.
 */
final class DraftEntropyProbe {
    private static final System.Logger LOG = System.getLogger(DraftEntropyProbe.class.getName());

    private final DraftChannel draft;
    private final int window;

    DraftEntropyProbe(DraftChannel draft, int window) {
        this.draft = draft;
        this.window = Math.max(0, window);
    }

    boolean enabled() {
        return window > 0;
    }

    /** Mean entropy in nats; NaN when off or when the draft failed (the policy then routes without it). */
    double measure(String sessionId, int[] prompt) {
        if (!enabled()) {
            return Double.NaN;
        }
        ProposeRequest.Builder request = ProposeRequest.newBuilder().setSessionId(sessionId).setRound(0)
                .setCommittedOffset(0).setK(0).setEntropyWindow(window);
        for (int token : prompt) {
            request.addCommittedTokens(token);
        }
        try {
            ProposeResponse response = draft.propose(request.build()).join();
            return response.getWindowPositions() > 0 ? response.getWindowEntropy() : Double.NaN;
        } catch (CompletionException | CancellationException e) {
            LOG.log(System.Logger.Level.WARNING, "draft entropy not measured, routing without it: " + e.getCause());
            release(sessionId);
            return Double.NaN;
        }
    }

    /** Best effort: frees the session a measurement left on the draft (it expires there otherwise). */
    void release(String sessionId) {
        draft.release(ReleaseRequest.newBuilder().setSessionId(sessionId).build()).exceptionally(e -> null);
    }
}
