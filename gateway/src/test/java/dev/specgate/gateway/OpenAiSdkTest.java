package dev.specgate.gateway;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK against a running gateway: completions and chat, blocking and streaming. */
class OpenAiSdkTest {
    private static Gateway gateway;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(c -> c.apiKeys = List.of(GatewayConfig.ApiKey.of("sk-test-key")));
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-test-key").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static CompletionCreateParams completion() {
        return CompletionCreateParams.builder().model(gateway.modelName()).prompt("In the beginning God created")
                .maxTokens(24).temperature(0.0).build();
    }

    @Test
    void blockingCompletion() {
        Completion c = client.completions().create(completion());
        assertEquals(1, c.choices().size());
        String text = c.choices().get(0).text();
        assertFalse(text.isEmpty());
        assertTrue(c.usage().isPresent());
        assertEquals(24, c.usage().get().completionTokens());
        assertEquals(c.usage().get().promptTokens() + 24, c.usage().get().totalTokens());
        assertEquals("length", c.choices().get(0).finishReason().asString());
        assertTrue(c.usage().get()._additionalProperties().containsKey("specgate"));
    }

    @Test
    void streamingCompletionEqualsBlocking() {
        String blocking = client.completions().create(completion()).choices().get(0).text();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(completion())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> streamed.append(choice.text())));
        }
        assertEquals(blocking, streamed.toString());
    }

    @Test
    void blockingChat() {
        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(gateway.modelName()).addSystemMessage("You speak like the King James Bible.")
                .addUserMessage("Who created the heaven and the earth?").maxCompletionTokens(20).temperature(0.0)
                .build());
        assertEquals(1, chat.choices().size());
        assertTrue(chat.choices().get(0).message().content().isPresent());
        assertEquals(20, chat.usage().orElseThrow().completionTokens());
    }

    @Test
    void streamingChatWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(gateway.modelName())
                .addUserMessage("And God said").maxCompletionTokens(16).temperature(0.0)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        String blocking = client.chat().completions().create(params.toBuilder().streamOptions(
                java.util.Optional.empty()).build()).choices().get(0).message().content().orElse("");
        StringBuilder streamed = new StringBuilder();
        long[] completionTokens = {-1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append));
                chunk.usage().ifPresent(u -> completionTokens[0] = u.completionTokens());
            });
        }
        assertEquals(blocking, streamed.toString());
        assertEquals(16, completionTokens[0]);
    }
}
