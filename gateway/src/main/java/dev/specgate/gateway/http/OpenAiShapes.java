package dev.specgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.specgate.gateway.SpeculationReport;

/** OpenAI's response and chunk JSON for completions and chat completions. */
final class OpenAiShapes {
    private OpenAiShapes() {
    }

    /** A streamed chunk carrying {@code text} (chat: as a delta); {@code finishReason} only on the last one. */
    static ObjectNode chunk(boolean chat, String id, long created, String model, String text, boolean roleDelta,
                            String finishReason) {
        ObjectNode root = header(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (roleDelta) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return root;
    }

    /** The last streamed chunk when {@code stream_options.include_usage}: no choices, the usage. */
    static ObjectNode usageChunk(boolean chat, String id, long created, String model, ObjectNode usage) {
        ObjectNode root = header(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        root.putArray("choices");
        root.set("usage", usage);
        return root;
    }

    /** A whole (non-streamed) response. */
    static ObjectNode response(boolean chat, String id, long created, String model, String text,
                               String finishReason, ObjectNode usage) {
        ObjectNode root = header(id, chat ? "chat.completion" : "text_completion", created, model);
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
            message.putNull("refusal");
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        root.set("usage", usage);
        return root;
    }

    static ObjectNode usage(int promptTokens, int completionTokens, SpeculationReport report) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        usage.set("specgate", specgate(report));
        return usage;
    }

    /** The speculation report: {@code usage.specgate}, and top-level {@code specgate} on the finishing chunk. */
    static ObjectNode specgate(SpeculationReport report) {
        ObjectNode node = Json.object();
        node.put("mode", report.mode().wireName());
        node.put("route", report.route().label());
        node.put("reason", report.reason().label());
        node.put("rounds", report.rounds());
        node.put("drafted_tokens", report.draftedTokens());
        node.put("accepted_tokens", report.acceptedTokens());
        node.put("mean_acceptance_length", report.meanAcceptanceLength());
        ObjectNode k = node.putObject("k");
        k.put("mean", report.k().mean());
        k.put("min", report.k().min());
        k.put("max", report.k().max());
        k.put("changes", report.k().changes());
        node.put("fallback", report.fallback());
        return node;
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        ObjectNode root = Json.object();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        root.put("system_fingerprint", "specgate");
        return root;
    }
}
