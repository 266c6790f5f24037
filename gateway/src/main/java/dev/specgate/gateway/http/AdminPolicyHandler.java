package dev.specgate.gateway.http;

import dev.specgate.routing.config.InvalidPolicyException;
import dev.specgate.routing.config.PolicyStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /admin/policy} (the policy in force) and {@code PUT /admin/policy} (replace it), YAML by default,
 * JSON when the request accepts {@code application/json}. A PUT is validated as a whole before it replaces
 * anything: an invalid policy is a 400 naming the field in {@code param}, and the policy in force stays.
 * Parsing and serialising run on a worker thread.
 */
final class AdminPolicyHandler {
    private final Vertx vertx;
    private final PolicyStore policies;

    AdminPolicyHandler(Vertx vertx, PolicyStore policies) {
        this.vertx = vertx;
        this.policies = policies;
    }

    void get(RoutingContext ctx) {
        boolean json = acceptsJson(ctx);
        vertx.executeBlocking(() -> render(json), false)
                .onSuccess(text -> send(ctx, json, text))
                .onFailure(failure -> ErrorResponses.send(ctx, ApiException.internal()));
    }

    void put(RoutingContext ctx) {
        boolean json = acceptsJson(ctx);
        String body = ctx.body().asString();
        vertx.executeBlocking(() -> {
                    policies.update(body == null ? "" : body);
                    return render(json);
                }, false)
                .onSuccess(text -> send(ctx, json, text)) // the policy store's listener logs the replacement
                .onFailure(failure -> ErrorResponses.send(ctx, failure instanceof InvalidPolicyException invalid
                        ? invalidPolicy(invalid) : ApiException.internal()));
    }

    private String render(boolean json) {
        return json ? policies.currentAsJson() : policies.currentAsYaml();
    }

    private static ApiException invalidPolicy(InvalidPolicyException e) {
        return new ApiException(400, "invalid_request_error", e.fieldPath().isEmpty() ? null : e.fieldPath(),
                "invalid_policy", "Invalid policy, the policy in force is unchanged: " + e.getMessage());
    }

    private static boolean acceptsJson(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.contains("application/json");
    }

    private static void send(RoutingContext ctx, boolean json, String text) {
        ctx.response().setStatusCode(200)
                .putHeader("Content-Type", json ? "application/json" : "application/yaml; charset=utf-8").end(text);
    }
}
