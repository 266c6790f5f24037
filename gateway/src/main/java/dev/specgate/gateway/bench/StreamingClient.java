package dev.specgate.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lean HTTP/1.1 client timing one streamed completion as an application sees it: request written to the first
 * text event, to the end of the response; tokens from the usage chunk. One connection per request
 * ({@code Connection: close}), a blocking socket read on the caller's thread: the JDK's {@code HttpClient} hands
 * every response chunk across its own threads and alone adds several milliseconds to the first token on a busy
 * 2-core machine, which would be charged to the gateway.
 */
final class StreamingClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] FIRST_TEXT = "\"text\":\"".getBytes(StandardCharsets.UTF_8);
    private static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\":(\\d+)");

    /** The seed every request sends (greedy ignores it; the direct path uses the same sampling parameters). */
    static final long SEED = 1;

    private final String host;
    private final int port;

    StreamingClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** One timed generation: nanoseconds to the first token and to the end, and tokens generated. */
    record Timing(long firstTokenNanos, long totalNanos, int tokens) {
    }

    Timing complete(String model, String prompt, int maxTokens, String mode) throws IOException {
        byte[] body = JSON.createObjectNode().put("model", model).put("prompt", prompt).put("max_tokens", maxTokens)
                .put("temperature", 0).put("seed", SEED).put("stream", true).put("specgate_mode", mode)
                .set("stream_options", JSON.createObjectNode().put("include_usage", true)).toString()
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /v1/completions HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            byte[] request = new byte[head.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream(16 * 1024);
            byte[] buffer = new byte[16 * 1024];
            long first = -1;
            int searchedUpTo = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                response.write(buffer, 0, n);
                if (first < 0) {
                    byte[] sofar = response.toByteArray();
                    int at = indexOfText(sofar, Math.max(0, searchedUpTo - FIRST_TEXT.length));
                    searchedUpTo = sofar.length;
                    if (at >= 0) {
                        first = System.nanoTime() - start;
                    }
                }
            }
            long total = System.nanoTime() - start;
            String text = response.toString(StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 200")) {
                throw new IOException("gateway answered " + text.lines().findFirst().orElse("nothing"));
            }
            if (text.contains("\"error\":")) {
                throw new IOException("error event in the stream: " + text);
            }
            Matcher tokens = COMPLETION_TOKENS.matcher(text);
            return new Timing(first < 0 ? total : first, total, tokens.find() ? Integer.parseInt(tokens.group(1)) : 0);
        }
    }

    /** Where a chunk with non-empty text starts ({@code "text":"} not followed by {@code "}), or -1. */
    private static int indexOfText(byte[] bytes, int from) {
        outer:
        for (int i = from; i + FIRST_TEXT.length < bytes.length; i++) {
            for (int j = 0; j < FIRST_TEXT.length; j++) {
                if (bytes[i + j] != FIRST_TEXT[j]) {
                    continue outer;
                }
            }
            if (bytes[i + FIRST_TEXT.length] != '"') {
                return i;
            }
        }
        return -1;
    }
}
