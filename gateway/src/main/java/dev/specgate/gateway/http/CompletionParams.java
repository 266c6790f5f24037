package dev.specgate.gateway.http;

import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.routing.RouteHint;

import java.util.List;

/**
 * A validated completion or chat completion request.
 *
 * @param chat         true for {@code /v1/chat/completions}
 * @param model        the model name the client asked for
 * @param promptIds    the prompt (chat: rendered with the chat template) as token ids
 * @param maxTokens    most tokens to generate, capped to the room the context leaves
 * @param sampling     sampling parameters
 * @param stops        stop sequences (possibly empty)
 * @param stream       answer as server-sent events
 * @param includeUsage streaming: send a last chunk with usage
 * @param hint         route asked for by body or header ({@link RouteHints}), {@code AUTO} when none
 */
record CompletionParams(boolean chat, String model, int[] promptIds, int maxTokens, SamplingParams sampling,
                        List<String> stops, boolean stream, boolean includeUsage, RouteHint hint) {
}
