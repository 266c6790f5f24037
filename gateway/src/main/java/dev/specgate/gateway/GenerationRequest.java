package dev.specgate.gateway;

import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.routing.RouteHint;

/**
 * One generation the HTTP layer asks the backend for.
 *
 * @param id         unique per request
 * @param promptIds  the prompt as token ids, never empty
 * @param maxTokens  most tokens to generate (already capped to the context by the caller)
 * @param sampling   how tokens are chosen
 * @param hint       the route the client asked for ({@code specgate_route}), {@code AUTO} to let the policy decide
 * @param tenant     the API key's tenant ({@code anonymous} on an open API), for the routing policy
 */
public record GenerationRequest(String id, int[] promptIds, int maxTokens, SamplingParams sampling,
                                RouteHint hint, String tenant) {
}
