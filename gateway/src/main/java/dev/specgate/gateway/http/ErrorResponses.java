package dev.specgate.gateway.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes OpenAI-shaped error bodies. */
final class ErrorResponses {
    private ErrorResponses() {
    }

    static void send(HttpServerResponse response, ApiException error) {
        if (response.headWritten() || response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(error.status()).putHeader("Content-Type", "application/json")
                .end(Json.write(Json.error(error)));
    }

    static void send(RoutingContext ctx, ApiException error) {
        send(ctx.response(), error);
    }

    /** Router failures (body too large, unknown route, a handler's exception) as OpenAI errors; never a trace. */
    static void routerFailure(RoutingContext ctx, long bodyLimit) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException e) {
            send(ctx, e);
            return;
        }
        int status = ctx.statusCode();
        ApiException error = switch (status) {
            case 413 -> ApiException.tooLarge(bodyLimit);
            case 404 -> new ApiException(404, "invalid_request_error", null, "not_found",
                    "Unknown path " + ctx.request().path());
            case 405 -> new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                    "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path());
            case 400 -> ApiException.invalid(null, "Bad request");
            default -> ApiException.internal();
        };
        send(ctx, error);
    }
}
