package dev.specgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.text.ChatMessage;
import dev.specgate.gateway.text.ChatTemplate;
import dev.specgate.routing.RouteHint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads an OpenAI completion or chat completion body into {@link CompletionParams}, rejecting what the gateway
 * cannot honour with a 400 that names the parameter. Tokenizes the prompt: the caller keeps large bodies off the
 * event loop.
 */
final class RequestParser {
    /** OpenAI's default {@code max_tokens} for legacy completions; chat defaults to the room left. */
    private static final int DEFAULT_COMPLETION_MAX_TOKENS = 16;
    private static final int MAX_STOPS = 4;

    private final Set<String> modelNames;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final int contextLength;

    RequestParser(Set<String> modelNames, Tokenizer tokenizer, ChatTemplate chatTemplate, int contextLength) {
        this.modelNames = modelNames;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.contextLength = contextLength;
    }

    CompletionParams parse(byte[] body, boolean chat, String routeHeader, String modeHeader) {
        JsonNode root = readJson(body);
        String model = requireText(root, "model");
        if (!modelNames.contains(model)) {
            throw ApiException.modelNotFound(model);
        }
        int n = intParam(root, "n", 1);
        if (n != 1) {
            throw ApiException.invalid("n", "Only n = 1 is supported");
        }
        rejectUnsupported(root, chat);
        boolean stream = boolParam(root, "stream", false);
        boolean includeUsage = false;
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!stream) {
                throw ApiException.invalid("stream_options", "stream_options is only allowed when stream is true");
            }
            if (!streamOptions.isObject()) {
                throw ApiException.invalid("stream_options", "stream_options must be an object");
            }
            includeUsage = boolParam(streamOptions, "include_usage", false);
        }

        float temperature = floatParam(root, "temperature", 1f, 0f, 2f);
        float topP = floatParam(root, "top_p", 1f, 0f, 1f);
        if (topP <= 0f) {
            throw ApiException.invalid("top_p", "top_p must be greater than 0");
        }
        int topK = intParam(root, "top_k", 0);
        if (topK < 0) {
            throw ApiException.invalid("top_k", "top_k must be 0 (off) or positive");
        }
        long seed = root.hasNonNull("seed") ? longParam(root, "seed") : ThreadLocalRandom.current().nextLong();
        SamplingParams sampling = new SamplingParams(temperature, topK, topP, 0f, 1f, seed);

        List<String> stops = stops(root.get("stop"));
        RouteHint hint = RouteHints.read(root, routeHeader, modeHeader);

        int[] promptIds = chat ? chatPrompt(root) : completionPrompt(root);
        String promptParam = chat ? "messages" : "prompt";
        if (promptIds.length == 0) {
            throw ApiException.invalid(promptParam, "The prompt is empty");
        }
        if (promptIds.length >= contextLength) {
            throw new ApiException(400, "invalid_request_error", promptParam, "context_length_exceeded",
                    "This model's maximum context length is " + contextLength + " tokens; the prompt has "
                            + promptIds.length + " tokens, leaving no room for a completion");
        }
        int room = contextLength - promptIds.length;
        int maxTokens = maxTokens(root, chat, room);
        return new CompletionParams(chat, model, promptIds, Math.min(maxTokens, room), sampling, stops, stream,
                includeUsage, hint);
    }

    private static JsonNode readJson(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.invalid(null, "The request body is empty; expected a JSON object");
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root == null || !root.isObject()) {
                throw ApiException.invalid(null, "The request body must be a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw ApiException.invalid(null, "The request body is not valid JSON");
        }
    }

    private static void rejectUnsupported(JsonNode root, boolean chat) {
        if (boolParam(root, "echo", false)) {
            throw ApiException.invalid("echo", "echo is not supported");
        }
        JsonNode logprobs = root.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !(logprobs.isBoolean() && !logprobs.asBoolean())) {
            throw ApiException.invalid("logprobs", "logprobs are not supported");
        }
        if (intParam(root, "best_of", 1) != 1) {
            throw ApiException.invalid("best_of", "Only best_of = 1 is supported");
        }
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            if (root.hasNonNull(penalty) && floatParam(root, penalty, 0f, -2f, 2f) != 0f) {
                throw ApiException.invalid(penalty, penalty + " is not supported (only 0)");
            }
        }
        if (chat && root.hasNonNull("tools") && root.get("tools").size() > 0) {
            throw ApiException.invalid("tools", "tools are not supported");
        }
    }

    private int maxTokens(JsonNode root, boolean chat, int room) {
        String param = root.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (!root.hasNonNull(param)) {
            return chat ? room : DEFAULT_COMPLETION_MAX_TOKENS;
        }
        int value = intParam(root, param, 0);
        if (value < 1) {
            throw ApiException.invalid(param, param + " must be at least 1");
        }
        return value;
    }

    private int[] completionPrompt(JsonNode root) {
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw ApiException.invalid("prompt", "prompt is required");
        }
        if (prompt.isTextual()) {
            return tokenizer.encode(prompt.asText());
        }
        if (prompt.isArray() && prompt.size() == 1 && (prompt.get(0).isTextual() || prompt.get(0).isArray())) {
            prompt = prompt.get(0); // a batch of one
            if (prompt.isTextual()) {
                return tokenizer.encode(prompt.asText());
            }
        }
        if (prompt.isArray() && prompt.size() > 0 && allInts(prompt)) {
            int[] ids = new int[prompt.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = prompt.get(i).asInt();
                if (ids[i] < 0 || ids[i] >= tokenizer.vocabSize()) {
                    throw ApiException.invalid("prompt", "Token id " + ids[i] + " is outside the vocabulary");
                }
            }
            return ids;
        }
        throw ApiException.invalid("prompt", "prompt must be a string, a list of one string, or a list of token ids");
    }

    private int[] chatPrompt(JsonNode root) {
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("messages", "messages must be a non-empty list");
        }
        List<ChatMessage> list = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String param = "messages[" + i + "]";
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw ApiException.invalid(param + ".role", "Each message needs a role");
            }
            String role = m.get("role").asText();
            if (role.equals("developer")) {
                role = "system"; // OpenAI's newer name for the system role
            }
            if (!Set.of("system", "user", "assistant").contains(role)) {
                throw ApiException.invalid(param + ".role", "Unsupported role '" + role + "'");
            }
            list.add(new ChatMessage(role, content(m.get("content"), param + ".content")));
        }
        return chatTemplate.encode(tokenizer, list);
    }

    /** Message content: a string, or a list of {@code {"type": "text", "text": ...}} parts. */
    private static String content(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.invalid(param, "Only text content parts are supported");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiException.invalid(param, "content must be a string or a list of text parts");
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return stop.asText().isEmpty() ? List.of() : List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= MAX_STOPS) {
            List<String> stops = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.invalid("stop", "stop must be a string or a list of strings");
                }
                if (!s.asText().isEmpty()) {
                    stops.add(s.asText());
                }
            }
            return stops;
        }
        throw ApiException.invalid("stop", "stop must be a string or a list of at most " + MAX_STOPS + " strings");
    }

    private static boolean allInts(JsonNode array) {
        for (JsonNode node : array) {
            if (!node.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static String requireText(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw ApiException.invalid(name, name + " is required and must be a string");
        }
        return node.asText();
    }

    private static boolean boolParam(JsonNode root, String name, boolean fallback) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw ApiException.invalid(name, name + " must be a boolean");
        }
        return node.asBoolean();
    }

    private static int intParam(JsonNode root, String name, int fallback) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.invalid(name, name + " must be an integer");
        }
        return node.asInt();
    }

    private static long longParam(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.invalid(name, name + " must be an integer");
        }
        return node.asLong();
    }

    private static float floatParam(JsonNode root, String name, float fallback, float min, float max) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw ApiException.invalid(name, name + " must be a number");
        }
        double value = node.asDouble();
        if (!(value >= min && value <= max)) {
            throw ApiException.invalid(name, name + " must be between " + min + " and " + max);
        }
        return (float) value;
    }
}
