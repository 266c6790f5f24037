package dev.specgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code Authorization: Bearer KEY} against the configured admin keys ({@link KeyHashes}: hashed,
 * constant-time). No key sent: 401. A key that is not an admin key, or no admin keys configured: 403.
 */
final class AdminKeyAuth implements Handler<RoutingContext> {
    private final KeyHashes keys;

    AdminKeyAuth(List<String> adminKeys) {
        this.keys = new KeyHashes(adminKeys);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String presented = KeyHashes.bearer(ctx.request().getHeader("Authorization"));
        if (presented == null) {
            ErrorResponses.send(ctx, ApiException.unauthorized(
                    "Missing admin key: send it as 'Authorization: Bearer ADMIN_KEY'"));
        } else if (keys.isEmpty()) {
            ErrorResponses.send(ctx, ApiException.forbidden("The admin endpoints are off: no admin_keys are configured"));
        } else if (keys.match(presented) < 0) {
            ErrorResponses.send(ctx, ApiException.forbidden("This key may not use the admin endpoints"));
        } else {
            ctx.next();
        }
    }
}
