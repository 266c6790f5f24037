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
 * text event, to the end of the response; tokens from the usage chunk. One kept-alive connection (as SDKs pool
 * theirs), read with blocking calls on the caller's thread: the JDK's {@code HttpClient} hands every response
 * chunk across its own threads and alone adds several milliseconds to the first token on a busy 2-core machine,
 * which would be charged to the gateway.
 */
final class StreamingClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] FIRST_TEXT = "\"text\":\"".getBytes(StandardCharsets.UTF_8);
    private static final Pattern COMPLETION_TOKENS = Pattern.compile("\"completion_tokens\":(\\d+)");
    /** The last chunk of a chunked response. */
    private static final byte[] LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The seed every request sends (greedy ignores it; the direct path uses the same sampling parameters). */
    static final long SEED = 1;

    private final String host;
    private final int port;
    private Socket socket;

    StreamingClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    private Socket connection() throws IOException {
        if (socket == null || socket.isClosed()) {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
        }
        return socket;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
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
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Socket socket = connection();
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        long start = System.nanoTime();
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream(16 * 1024);
        byte[] buffer = new byte[16 * 1024];
        long first = -1;
        int searchedUpTo = 0;
        while (!endsWith(response, LAST_CHUNK)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("the gateway closed the connection mid-response");
            }
            response.write(buffer, 0, n);
            if (response.size() >= 12 && searchedUpTo == 0 && !response.toString(StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.1 200")) {
                close();
                throw new IOException("gateway answered " + response.toString(StandardCharsets.UTF_8));
            }
            if (first < 0) {
                byte[] sofar = response.toByteArray();
                if (indexOfText(sofar, Math.max(0, searchedUpTo - FIRST_TEXT.length)) >= 0) {
                    first = System.nanoTime() - start;
                }
                searchedUpTo = sofar.length;
            }
        }
        long total = System.nanoTime() - start;
        String text = response.toString(StandardCharsets.UTF_8);
        if (text.contains("\"error\":")) {
            throw new IOException("error event in the stream: " + text);
        }
        Matcher tokens = COMPLETION_TOKENS.matcher(text);
        return new Timing(first < 0 ? total : first, total, tokens.find() ? Integer.parseInt(tokens.group(1)) : 0);
    }

    private static boolean endsWith(ByteArrayOutputStream out, byte[] suffix) {
        if (out.size() < suffix.length) {
            return false;
        }
        byte[] bytes = out.toByteArray();
        for (int i = 0; i < suffix.length; i++) {
            if (bytes[bytes.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
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
