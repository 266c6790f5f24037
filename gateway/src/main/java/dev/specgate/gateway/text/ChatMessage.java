package dev.specgate.gateway.text;

/** One chat message: role ({@code system}, {@code user}, {@code assistant}, ...) and its text. */
public record ChatMessage(String role, String content) {
}
