package dev.specgate.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.gateway.text.TextAssembler;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

/**
 * One completion request in flight: receives committed tokens from the backend (on inference threads), hops to
 * the request's event loop, turns them into safe text and writes it as SSE chunks or one JSON body.
 *
 * <p>All state is touched on the event loop only; the listener methods do nothing but {@code runOnContext}.
 */
final class CompletionExchange implements GenerationListener {
    private static final System.Logger LOG = System.getLogger(CompletionExchange.class.getName());

    private final Context context;
    private final HttpServerResponse response;
    private final CompletionParams params;
    private final GatewayMetrics metrics;
    private final TextAssembler text;
    private final TokenMailbox mailbox;
    private final Runnable onDone;
    private final boolean logText;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final long startNanos;
    private final String wantedMode;
    private final StringBuilder blockingText = new StringBuilder();
    private GenerationHandle handle;
    private long lastTokenNanos;
    private boolean headersSent;
    private boolean done;

    CompletionExchange(Context context, HttpServerResponse response, CompletionParams params, Tokenizer tokenizer,
                       GatewayMetrics metrics, String id, long startNanos, String wantedMode, boolean logText,
                       Runnable onDone) {
        this.context = context;
        this.response = response;
        this.params = params;
        this.metrics = metrics;
        this.text = new TextAssembler(tokenizer, params.stops());
        this.mailbox = new TokenMailbox(context, this::tokens);
        this.id = id;
        this.startNanos = startNanos;
        this.wantedMode = wantedMode;
        this.logText = logText;
        this.onDone = onDone;
    }

    /** Called on the event loop right after the backend accepted the generation. */
    void started(GenerationHandle generation) {
        this.handle = generation;
        // A client that goes away stops its generation: no inference for nobody.
        response.closeHandler(v -> {
            if (!done) {
                generation.cancel();
            }
        });
        if (params.stream()) {
            response.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
            headersSent = true;
            if (params.chat()) {
                sendEvent(OpenAiShapes.chunk(true, id, created, params.model(), "", true, null));
            }
        }
    }

    @Override
    public void onTokens(int[] committedIds) {
        mailbox.post(committedIds);
    }

    @Override
    public void awaitDelivery(long maxNanos) {
        mailbox.awaitDelivered(maxNanos);
    }

    @Override
    public void onComplete(SpeculationReport report) {
        context.runOnContext(v -> complete(report));
    }

    @Override
    public void onError(Throwable error) {
        context.runOnContext(v -> fail(error));
    }

    private void tokens(int[] ids) {
        if (done || text.finished()) {
            return;
        }
        long now = System.nanoTime();
        StringBuilder delta = new StringBuilder();
        for (int i = 0; i < ids.length && !text.finished(); i++) {
            if (lastTokenNanos == 0) {
                metrics.timeToFirstToken(now - startNanos);
            } else {
                metrics.interTokenLatency(now - lastTokenNanos);
            }
            lastTokenNanos = now;
            delta.append(text.push(ids[i]));
        }
        emit(delta.toString()); // the tokens that arrived together go out as one chunk
        if (text.finished() && handle != null) {
            handle.cancel(); // stop sequence or end token: the backend reports back through onComplete
        }
    }

    private void complete(SpeculationReport report) {
        if (done) {
            return;
        }
        emit(text.finishAtLength());
        String finishReason = text.finishReason();
        ObjectNode usage = OpenAiShapes.usage(params.promptIds().length, text.tokensConsumed(), report);
        if (params.stream()) {
            ObjectNode last = OpenAiShapes.chunk(params.chat(), id, created, params.model(),
                    params.chat() ? null : "", false, finishReason);
            last.set("specgate", OpenAiShapes.specgate(report));
            sendEvent(last);
            if (params.includeUsage()) {
                sendEvent(OpenAiShapes.usageChunk(params.chat(), id, created, params.model(), usage));
            }
            writeIfOpen("data: [DONE]\n\n");
            endIfOpen();
        } else {
            ObjectNode body = OpenAiShapes.response(params.chat(), id, created, params.model(),
                    blockingText.toString(), finishReason, usage);
            if (!response.closed()) {
                response.setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.write(body));
            }
        }
        if (logText) {
            LOG.log(System.Logger.Level.INFO, "completion {0}: {1} tokens, finish {2}, text: {3}", id,
                    text.tokensConsumed(), finishReason, blockingText);
        }
        finish(report.mode().wireName(), 200);
    }

    private void fail(Throwable error) {
        if (done) {
            return;
        }
        // The client gets a generic message; the cause is logged for operators (without prompt or output).
        LOG.log(System.Logger.Level.WARNING, "generation " + id + " failed: " + error);
        ApiException apiError = error instanceof ApiException e ? e : ApiException.internal();
        if (headersSent) {
            writeIfOpen("data: " + Json.write(Json.error(apiError)) + "\n\n");
            endIfOpen();
        } else if (!response.closed()) {
            ErrorResponses.send(response, apiError);
        }
        finish(wantedMode, apiError.status());
    }

    private void finish(String mode, int status) {
        done = true;
        metrics.request(mode, status);
        onDone.run();
    }

    private void emit(String delta) {
        if (delta.isEmpty()) {
            return;
        }
        if (params.stream()) {
            sendEvent(OpenAiShapes.chunk(params.chat(), id, created, params.model(), delta, false, null));
        }
        if (!params.stream() || logText) {
            blockingText.append(delta);
        }
    }

    private void sendEvent(ObjectNode chunk) {
        writeIfOpen("data: " + Json.write(chunk) + "\n\n");
    }

    private void writeIfOpen(String data) {
        if (!response.closed() && !response.ended()) {
            response.write(data);
        }
    }

    private void endIfOpen() {
        if (!response.closed() && !response.ended()) {
            response.end();
        }
    }
}
