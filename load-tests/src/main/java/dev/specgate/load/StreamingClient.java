package dev.specgate.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Sends one streaming {@code /completions} request and times every server-sent event as it arrives. Uses the
 * JDK client with one (virtual) thread per stream: blocking reads keep the timing code obvious, and virtual
 * threads make a few hundred concurrent streams cheap.
 */
public final class StreamingClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI completions;
    private final Duration requestTimeout;
    private final String model;

    /** {@code baseUrl} like {@code http://127.0.0.1:8080/v1}; refused unless it is a loopback address. */
    public StreamingClient(String baseUrl, Duration requestTimeout) {
        URI base = LoopbackGuard.requireLoopback(baseUrl);
        this.completions = URI.create(base.toString().replaceAll("/+$", "") + "/completions");
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.model = servedModel(base);
    }

    /** The gateway checks {@code model}: ask it for the name it serves. */
    private String servedModel(URI base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "")
                    + "/models")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /models answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body()).path("data").path(0).path("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException("no gateway answers at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What to ask for; {@code mode} null leaves the gateway's default. Greedy, so runs are comparable. */
    public record Request(String label, String prompt, int maxTokens, String mode) {
    }

    /** Runs {@code request} to the end of its stream; never throws: failures are recorded in the result. */
    public RequestRecord send(Request request, long runStartNanos) {
        long sent = System.nanoTime();
        long startMs = (sent - runStartNanos) / 1_000_000;
        double[] times = new double[Math.max(16, request.maxTokens() + 4)];
        int chunks = 0;
        int status = 0;
        String finish = null;
        JsonNode usage = null;
        String error = null;
        try {
            HttpRequest http = HttpRequest.newBuilder(completions).timeout(requestTimeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(request))).build();
            HttpResponse<Stream<String>> response = this.http.send(http, HttpResponse.BodyHandlers.ofLines());
            status = response.statusCode();
            try (Stream<String> lines = response.body()) {
                if (status != 200) {
                    error = "HTTP " + status + ": " + String.join("\n", lines.limit(20).toList());
                } else {
                    long streamDeadline = sent + requestTimeout.toNanos();
                    boolean done = false;
                    for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                        String line = it.next();
                        long now = System.nanoTime();
                        if (now > streamDeadline) {
                            error = "stream exceeded " + requestTimeout.toSeconds() + " s";
                            break;
                        }
                        if (!line.startsWith("data: ")) {
                            continue;
                        }
                        String data = line.substring(6);
                        if (data.equals("[DONE]")) {
                            done = true;
                            continue;
                        }
                        JsonNode event = JSON.readTree(data);
                        if (event.has("error")) {
                            error = "error event: " + event.get("error");
                            continue;
                        }
                        if (event.hasNonNull("usage")) {
                            usage = event.get("usage");
                        }
                        for (JsonNode choice : event.path("choices")) {
                            if (!choice.path("text").asText("").isEmpty()) {
                                if (chunks == times.length) {
                                    times = Arrays.copyOf(times, times.length * 2);
                                }
                                times[chunks++] = (now - sent) / 1e6;
                            }
                            if (choice.hasNonNull("finish_reason")) {
                                finish = choice.get("finish_reason").asText();
                            }
                        }
                    }
                    if (error == null && !done) {
                        error = "stream ended without [DONE]";
                    } else if (error == null && usage == null) {
                        error = "stream carried no usage";
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        long endMs = (System.nanoTime() - runStartNanos) / 1_000_000;
        JsonNode report = usage == null ? JSON.createObjectNode() : usage.path("specgate");
        return new RequestRecord(request.label(), startMs, endMs, status, Arrays.copyOf(times, chunks),
                usage == null ? 0 : usage.path("completion_tokens").asInt(), request.maxTokens(), finish,
                report.path("mode").asText(null), report.path("fallback").asBoolean(false),
                report.path("drafted_tokens").asLong(), report.path("accepted_tokens").asLong(),
                report.path("mean_acceptance_length").asDouble(), error);
    }

    private String body(Request request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("prompt", request.prompt());
        body.put("max_tokens", request.maxTokens());
        body.put("temperature", 0);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (request.mode() != null) {
            body.put("specgate_mode", request.mode());
        }
        return body.toString();
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
