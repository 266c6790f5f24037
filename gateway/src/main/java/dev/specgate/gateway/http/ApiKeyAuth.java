package dev.specgate.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * {@code Authorization: Bearer KEY} against the configured keys. Keys are kept only as SHA-256 hashes and
 * compared with {@link MessageDigest#isEqual} against every configured key (no early exit), so timing says
 * nothing about how much of a guess was right. Keys are never logged. No keys configured = open API.
 *
 * <p>Puts the caller's tenant name ({@code key-N}, or the client address when open) in the context under
 * {@link #TENANT}.
 */
final class ApiKeyAuth implements Handler<RoutingContext> {
    static final String TENANT = "specgate.tenant";

    private final List<byte[]> keyHashes;

    ApiKeyAuth(List<String> keys) {
        this.keyHashes = keys.stream().filter(k -> k != null && !k.isBlank()).map(ApiKeyAuth::sha256).toList();
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (keyHashes.isEmpty()) {
            ctx.put(TENANT, ctx.request().remoteAddress() == null ? "anonymous" : ctx.request().remoteAddress().host());
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ErrorResponses.send(ctx, ApiException.unauthorized(
                    "Missing API key: send it as 'Authorization: Bearer YOUR_KEY'"));
            return;
        }
        byte[] presented = sha256(header.substring(7).trim());
        int match = -1;
        for (int i = 0; i < keyHashes.size(); i++) {
            if (MessageDigest.isEqual(keyHashes.get(i), presented)) {
                match = i;
            }
        }
        if (match < 0) {
            ErrorResponses.send(ctx, ApiException.unauthorized("Incorrect API key provided"));
            return;
        }
        ctx.put(TENANT, "key-" + match);
        ctx.next();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
