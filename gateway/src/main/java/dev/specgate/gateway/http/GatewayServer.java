package dev.specgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specgate.gateway.CompletionBackend;
import dev.specgate.gateway.GatewayConfig;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.gateway.text.ChatTemplate;
import dev.specgate.routing.config.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The HTTP side of the gateway: routes, security handlers and the server. Every handler is short and
 * non-blocking; inference runs on the backend's threads.
 */
public final class GatewayServer {
    private final Vertx vertx;
    private final GatewayConfig config;
    private final CompletionBackend backend;
    private final GatewayMetrics metrics;
    private final PolicyStore policies;
    private final Set<String> modelNames;
    private final long created = System.currentTimeMillis() / 1000;
    private HttpServer server;

    /**
     * @param policies  the routing policy in force, read and replaced through {@code /admin/policy}
     * @param modelName the name clients use in {@code model}; also listed by {@code /v1/models}
     */
    public GatewayServer(Vertx vertx, GatewayConfig config, CompletionBackend backend, GatewayMetrics metrics,
                         PolicyStore policies, String modelName) {
        this.vertx = vertx;
        this.config = config;
        this.backend = backend;
        this.metrics = metrics;
        this.policies = policies;
        this.modelNames = new LinkedHashSet<>(Set.of(modelName));
    }

    public Future<HttpServer> start() {
        HttpServerOptions options = new HttpServerOptions().setHost(config.host).setPort(config.port)
                .setCompressionSupported(false);
        if (config.tls.enabled) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.tls.certPath).setKeyPath(config.tls.keyPath));
        }
        return vertx.createHttpServer(options).requestHandler(router()).listen().onSuccess(s -> server = s);
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    Router router() {
        Router router = Router.router(vertx);
        AdmissionControl admission = new AdmissionControl(config.maxInFlight);
        RequestParser parser = new RequestParser(modelNames, backend.tokenizer(),
                ChatTemplate.detect(backend.chatTemplate()), backend.contextLength());
        CompletionHandler completions = new CompletionHandler(vertx, backend, parser, admission, metrics,
                config.defaultDecodeMode(), config.logPrompts);

        router.get("/health/live").handler(ctx -> json(ctx, 200, Json.object().put("status", "live")));
        router.get("/health/ready").handler(this::ready);
        router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", metrics.contentType())
                .end(io.vertx.core.buffer.Buffer.buffer(metrics.scrape())));

        router.route("/v1/*").handler(new ApiKeyAuth(config.apiKeys));
        router.route("/v1/*").handler(new RateLimiter(config.rateLimit.requestsPerSecond, config.rateLimit.burst));
        router.get("/v1/models").handler(this::models);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes);
        router.post("/v1/completions").handler(body).handler(ctx -> completions.handle(ctx, false));
        router.post("/v1/chat/completions").handler(body).handler(ctx -> completions.handle(ctx, true));

        AdminPolicyHandler admin = new AdminPolicyHandler(vertx, policies);
        router.route("/admin/*").handler(new AdminKeyAuth(config.adminKeys));
        router.get("/admin/policy").handler(admin::get);
        router.put("/admin/policy").handler(body).handler(admin::put);

        router.route().failureHandler(ctx -> ErrorResponses.routerFailure(ctx, config.bodyLimitBytes));
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            router.errorHandler(status, ctx -> ErrorResponses.routerFailure(ctx, config.bodyLimitBytes));
        }
        return router;
    }

    private void ready(RoutingContext ctx) {
        boolean ready = backend.ready();
        ObjectNode body = Json.object().put("status", ready ? "ready" : "not_ready").put("draft_loaded", ready);
        ObjectNode verifier = body.putObject("verifier");
        verifier.put("configured", backend.hasVerifier());
        verifier.put("reachable", backend.verifierReachable());
        json(ctx, ready ? 200 : 503, body);
    }

    private void models(RoutingContext ctx) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        for (String name : modelNames) {
            data.addObject().put("id", name).put("object", "model").put("created", created)
                    .put("owned_by", "specgate");
        }
        json(ctx, 200, body);
    }

    private static void json(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }
}
