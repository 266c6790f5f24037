package dev.specgate.routing;

import java.util.Objects;

/**
 * What the gateway knows about one request when it has to route it.
 *
 * @param tenant           the API key's tenant (a key of {@code tenants} in the policy, or any other name)
 * @param promptTokens     prompt length in tokens
 * @param maxTokens        the request's max_tokens
 * @param hint             the request's explicit route hint; {@code AUTO} when absent
 * @param draftEntropyNats mean entropy (nats) of the draft's next-token distributions over the prompt's last
 *                         few tokens, as {@code dev.specgate.engine.PromptEntropy} computes it; {@code NaN} when
 *                         the gateway did not compute it
 */
public record RequestSignals(String tenant, int promptTokens, int maxTokens, RouteHint hint, double draftEntropyNats) {

    public RequestSignals {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(hint, "hint");
        if (promptTokens < 0 || maxTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    /** A request with no hint and no entropy measurement. */
    public static RequestSignals of(String tenant, int promptTokens, int maxTokens) {
        return new RequestSignals(tenant, promptTokens, maxTokens, RouteHint.AUTO, Double.NaN);
    }

    public RequestSignals withHint(RouteHint newHint) {
        return new RequestSignals(tenant, promptTokens, maxTokens, newHint, draftEntropyNats);
    }

    public RequestSignals withDraftEntropy(double nats) {
        return new RequestSignals(tenant, promptTokens, maxTokens, hint, nats);
    }

    public boolean hasDraftEntropy() {
        return !Double.isNaN(draftEntropyNats);
    }
}
