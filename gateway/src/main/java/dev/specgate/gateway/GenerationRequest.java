package dev.specgate.gateway;

import dev.specgate.engine.sampling.SamplingParams;

/**
 * One generation the HTTP layer asks the backend for.
 *
 * @param id         unique per request (also the verifier session id)
 * @param promptIds  the prompt as token ids, never empty
 * @param maxTokens  most tokens to generate (already capped to the context by the caller)
 * @param sampling   how tokens are chosen
 * @param forcedMode the mode the client asked for, or null for the configured default
 * @param tenant     who asked (API key name or client address), for per-tenant limits
 */
public record GenerationRequest(String id, int[] promptIds, int maxTokens, SamplingParams sampling,
                                DecodeMode forcedMode, String tenant) {
}
