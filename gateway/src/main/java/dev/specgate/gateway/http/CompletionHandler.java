package dev.specgate.gateway.http;

import dev.specgate.gateway.CompletionBackend;
import dev.specgate.gateway.DecodeMode;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationRequest;
import dev.specgate.gateway.decode.Ids;
import dev.specgate.gateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}: admit, parse and tokenize (large bodies off
 * the event loop), start the generation, and let a {@link CompletionExchange} write the answer.
 */
final class CompletionHandler {
    /** Bodies up to this size are parsed on the event loop (a prompt of a few hundred tokens at most). */
    static final int INLINE_PARSE_BYTES = 4 * 1024;

    private final Vertx vertx;
    private final CompletionBackend backend;
    private final RequestParser parser;
    private final AdmissionControl admission;
    private final GatewayMetrics metrics;
    private final DecodeMode defaultMode;
    private final boolean logText;

    CompletionHandler(Vertx vertx, CompletionBackend backend, RequestParser parser, AdmissionControl admission,
                      GatewayMetrics metrics, DecodeMode defaultMode, boolean logText) {
        this.vertx = vertx;
        this.backend = backend;
        this.parser = parser;
        this.admission = admission;
        this.metrics = metrics;
        this.defaultMode = defaultMode;
        this.logText = logText;
    }

    void handle(RoutingContext ctx, boolean chat) {
        long startNanos = System.nanoTime();
        if (!admission.tryAcquire()) {
            ctx.response().putHeader("Retry-After", "1");
            reject(ctx, ApiException.overloaded(), defaultMode.wireName());
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                admission.release();
            }
        };
        byte[] body = ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
        String routeHeader = ctx.request().getHeader(RouteHints.ROUTE_HEADER);
        String modeHeader = ctx.request().getHeader(RouteHints.MODE_HEADER);
        String tenant = ctx.get(ApiKeyAuth.TENANT, ApiKeyAuth.ANONYMOUS);
        Context context = vertx.getOrCreateContext();
        parse(body, chat, routeHeader, modeHeader)
                .onSuccess(params -> start(ctx, context, params, tenant, startNanos, release))
                .onFailure(failure -> {
                    release.run();
                    ApiException error = failure instanceof ApiException e ? e : ApiException.internal();
                    reject(ctx, error, defaultMode.wireName());
                });
    }

    /**
     * Parses and tokenizes the body: a small one right here on the event loop (tens of microseconds, less than the
     * two thread hand-offs a worker costs, which were a measured share of the time to first token), a large one on
     * a worker thread, since tokenizing a long prompt is real work.
     */
    private Future<CompletionParams> parse(byte[] body, boolean chat, String routeHeader, String modeHeader) {
        if (body == null || body.length <= INLINE_PARSE_BYTES) {
            try {
                return Future.succeededFuture(parser.parse(body, chat, routeHeader, modeHeader));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return vertx.executeBlocking(() -> parser.parse(body, chat, routeHeader, modeHeader), false);
    }

    private void start(RoutingContext ctx, Context context, CompletionParams params, String tenant, long startNanos,
                       Runnable release) {
        String id = (params.chat() ? "chatcmpl-" : "cmpl-") + Ids.COMPLETIONS.next();
        // The metrics label of a request that fails before it is routed: the mode it asked for, else the default.
        DecodeMode wanted = params.hint().route().map(DecodeMode::of).orElse(defaultMode);
        CompletionExchange exchange = new CompletionExchange(context, ctx.response(), params, backend.tokenizer(),
                metrics, id, startNanos, wanted.wireName(), logText, release);
        GenerationRequest request = new GenerationRequest(id, params.promptIds(), params.maxTokens(),
                params.sampling(), params.hint(), tenant);
        GenerationHandle handle;
        try {
            handle = backend.generate(request, exchange);
        } catch (RuntimeException e) {
            release.run();
            reject(ctx, ApiException.internal(), wanted.wireName());
            return;
        }
        exchange.started(handle);
    }

    private void reject(RoutingContext ctx, ApiException error, String mode) {
        metrics.request(mode, error.status());
        ErrorResponses.send(ctx, error);
    }
}
