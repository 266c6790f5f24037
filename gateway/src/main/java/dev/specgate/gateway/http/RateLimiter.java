package dev.specgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client (API key, or address on an open API): {@code requestsPerSecond} refill,
 * {@code burst} capacity. Over the limit a request gets 429 with {@code Retry-After} (whole seconds until a token
 * is back). Off when the rate is 0.
 */
final class RateLimiter implements Handler<RoutingContext> {
    private final double ratePerNano;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double requestsPerSecond, int burst) {
        this.ratePerNano = requestsPerSecond / 1e9;
        this.burst = Math.max(1, burst);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ratePerNano <= 0) {
            ctx.next();
            return;
        }
        String client = ctx.get(ApiKeyAuth.CLIENT, ApiKeyAuth.ANONYMOUS);
        long waitNanos = buckets.computeIfAbsent(client, t -> new Bucket(burst)).take(System.nanoTime());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (long) Math.ceil(waitNanos / 1e9));
            ctx.response().putHeader("Retry-After", Long.toString(seconds));
            ErrorResponses.send(ctx, ApiException.rateLimited());
            return;
        }
        ctx.next();
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens) {
            this.tokens = tokens;
            this.last = System.nanoTime();
        }

        /** Takes one token; returns 0, or how long until one is available. */
        synchronized long take(long now) {
            tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / ratePerNano);
        }
    }
}
