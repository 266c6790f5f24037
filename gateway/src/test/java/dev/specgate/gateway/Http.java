package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A plain JDK HTTP client for the gateway's raw API: exact status codes, headers and SSE bytes. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    record Response(int status, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    /** A streamed response: its events' payloads (text after {@code data: }), as raw bytes. */
    record Stream(int status, List<byte[]> events, String raw) {
        List<JsonNode> jsonEvents() {
            List<JsonNode> out = new ArrayList<>();
            for (byte[] e : events) {
                String s = new String(e, StandardCharsets.UTF_8);
                if (!s.equals("[DONE]")) {
                    try {
                        out.add(JSON.readTree(s));
                    } catch (IOException ex) {
                        throw new AssertionError("event is not JSON: " + s, ex);
                    }
                }
            }
            return out;
        }

        /** The completion's text: every chunk's {@code text} (completions) or {@code delta.content} (chat). */
        String text() {
            StringBuilder text = new StringBuilder();
            for (JsonNode e : jsonEvents()) {
                for (JsonNode c : e.path("choices")) {
                    text.append(c.has("text") ? c.get("text").asText() : c.at("/delta/content").asText(""));
                }
            }
            return text.toString();
        }

        /** The {@code usage} of the usage chunk, or null. */
        JsonNode usage() {
            for (JsonNode e : jsonEvents()) {
                if (e.has("usage") && !e.get("usage").isNull()) {
                    return e.get("usage");
                }
            }
            return null;
        }

        /** The {@code error} object of an error event, or null. */
        JsonNode error() {
            for (JsonNode e : jsonEvents()) {
                if (e.has("error")) {
                    return e.get("error");
                }
            }
            return null;
        }

        boolean endsWithDone() {
            return !events.isEmpty() && new String(events.getLast(), StandardCharsets.UTF_8).equals("[DONE]");
        }
    }

    private Http() {
    }

    static Response post(String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().map(), r.body());
    }

    static Response get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().map(), r.body());
    }

    /** POSTs and reads a server-sent event stream to its end, checking the framing of every event. */
    static Stream stream(String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<InputStream> r = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] all;
        try (InputStream in = r.body()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            all = out.toByteArray();
        }
        String raw = strictUtf8(all);
        List<byte[]> events = new ArrayList<>();
        if (r.statusCode() == 200) {
            if (!raw.endsWith("\n\n")) {
                throw new AssertionError("stream does not end with a blank line: " + raw);
            }
            for (String event : raw.substring(0, raw.length() - 2).split("\n\n", -1)) {
                if (!event.startsWith("data: ") || event.contains("\n")) {
                    throw new AssertionError("malformed SSE event: '" + event + "'");
                }
                events.add(event.substring(6).getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Stream(r.statusCode(), events, raw);
    }

    /**
     * POSTs and reads a server-sent event stream line by line as it arrives, counting {@code firstText} down at the
     * first event carrying text (or at the end, if none does): a test can act while streams are running.
     */
    static Stream streamSignalling(String url, String body, CountDownLatch firstText)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.util.stream.Stream<String>> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofLines());
        List<byte[]> events = new ArrayList<>();
        boolean signalled = false;
        try (java.util.stream.Stream<String> lines = r.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6).getBytes(StandardCharsets.UTF_8));
                    if (!signalled && line.contains("\"text\":\"") && !line.contains("\"text\":\"\"")) {
                        signalled = true;
                        firstText.countDown();
                    }
                }
            }
        } finally {
            if (!signalled) {
                firstText.countDown();
            }
        }
        return new Stream(r.statusCode(), events, "");
    }

    /** Decodes UTF-8, failing on any malformed or incomplete sequence. */
    static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("invalid UTF-8 in response", e);
        }
    }
}
