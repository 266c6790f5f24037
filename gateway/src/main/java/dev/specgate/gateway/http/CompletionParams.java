package dev.specgate.gateway.http;

import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.gateway.DecodeMode;

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
 * @param forcedMode   mode asked for by header or body, or null
 */
record CompletionParams(boolean chat, String model, int[] promptIds, int maxTokens, SamplingParams sampling,
                        List<String> stops, boolean stream, boolean includeUsage, DecodeMode forcedMode) {
}
