package dev.specgate.gateway.http;

import dev.specgate.gateway.GatewayConfig;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code Authorization: Bearer KEY} against the configured API keys ({@link KeyHashes}: hashed, constant-time).
 * No keys configured = open API.
 *
 * <p>Puts the caller's tenant in the context under {@link #TENANT} (the key's {@code tenant}, {@code key-N} for a
 * plain key, {@code anonymous} on an open API), for the routing policy, and who to rate-limit under
 * {@link #CLIENT} (the key, {@code key-N}; the client address on an open API).
 */
final class ApiKeyAuth implements Handler<RoutingContext> {
    static final String TENANT = "specgate.tenant";
    static final String CLIENT = "specgate.client";
    static final String ANONYMOUS = "anonymous";

    private final KeyHashes keys;
    private final List<String> tenants;

    ApiKeyAuth(List<GatewayConfig.ApiKey> apiKeys) {
        this.keys = new KeyHashes(apiKeys.stream().map(k -> k == null ? null : k.key).toList());
        this.tenants = new java.util.ArrayList<>();
        for (int i = 0; i < apiKeys.size(); i++) {
            GatewayConfig.ApiKey key = apiKeys.get(i);
            tenants.add(key != null && key.tenant != null && !key.tenant.isBlank() ? key.tenant : "key-" + i);
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (keys.isEmpty()) {
            ctx.put(TENANT, ANONYMOUS);
            ctx.put(CLIENT, ctx.request().remoteAddress() == null ? ANONYMOUS : ctx.request().remoteAddress().host());
            ctx.next();
            return;
        }
        String presented = KeyHashes.bearer(ctx.request().getHeader("Authorization"));
        if (presented == null) {
            ErrorResponses.send(ctx, ApiException.unauthorized(
                    "Missing API key: send it as 'Authorization: Bearer YOUR_KEY'"));
            return;
        }
        int match = keys.match(presented);
        if (match < 0) {
            ErrorResponses.send(ctx, ApiException.unauthorized("Incorrect API key provided"));
            return;
        }
        ctx.put(TENANT, tenants.get(match));
        ctx.put(CLIENT, "key-" + match);
        ctx.next();
    }
}
