package dev.specgate.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the gateway is configured with. Loaded from YAML with snake_case keys ({@link #load}); every field
 * has a default, so an empty file (or none) is a working configuration. Mutable on purpose: command-line options
 * override single fields after loading.
 */
public final class GatewayConfig {
    /** Address to bind; 0.0.0.0 listens on every interface. */
    public String host = "0.0.0.0";
    /** HTTP port; 0 picks a free one. */
    public int port = 8080;
    /** Name clients use in {@code model}; null = the verifier's model name (or the draft's, without one). */
    public String modelName;
    /** Draft model: a GGUF path (in-process, the default) or {@code grpc://host:port}. */
    public String draft;
    /** GGUF file whose tokenizer the gateway uses with a remote draft (path, or a name in {@code $SPECGATE_MODELS});
     *  null = the draft's model file ({@code Info().model} + {@code .gguf}) in {@code $SPECGATE_MODELS}. */
    public String tokenizer;
    /** Verifier: a GGUF path (started in this JVM on a loopback gRPC port) or comma-separated {@code grpc://}
     *  addresses; null runs draft-only. */
    public String verifier;
    /** Shorthand for the built-in routing policy's {@code default_route} (speculative = hybrid, draft-only =
     *  local, verifier-only = cloud); null = speculative. With a {@link #policy} file the file decides, and a
     *  default_mode that contradicts its default_route is refused at startup. */
    public String defaultMode;
    /** The built-in policy's initial speculation length ({@code k_initial}); also the tokens per call of
     *  draft-only generation on a remote draft. 1..32. */
    public int k = 4;
    /** Routing policy file (YAML or JSON, see the routing-policy module), reloaded when it changes; null = the
     *  built-in policy (the module's defaults with {@link #defaultMode} and {@link #k}). */
    public String policy;
    /** Prompt positions whose draft entropy is averaged for routing (the draft's uncertainty about the prompt);
     *  0 = do not measure (the entropy rules then never fire). */
    public int entropyWindow = 8;
    /** Temperature the draft proposes at in speculative rounds instead of the request's; null = the request's. An
     * experiment knob (e.g. to see adaptive k switch speculation off when acceptance is low): the output stays
     * exactly the verifier's, only acceptance changes. */
    public Double draftTemperature;
    /** Accepted API keys ({@code Authorization: Bearer KEY}), each a plain key (tenant {@code key-N}, N its
     *  position in the list) or {@code {key: KEY, tenant: NAME}}; empty leaves the API open (tenant
     *  {@code anonymous}). */
    public List<ApiKey> apiKeys = new ArrayList<>();
    /** Keys for {@code /admin/*} ({@code Authorization: Bearer KEY}); none = the admin endpoints refuse every
     *  request. */
    public List<String> adminKeys = new ArrayList<>();
    public RateLimit rateLimit = new RateLimit();
    /** Generations running or queued at once; more get 503. */
    public int maxInFlight = 256;
    /** Largest request body in bytes; larger get 413. */
    public long bodyLimitBytes = 1 << 20;
    /** Threads running in-process inference (0 = number of cores). */
    public int inferenceThreads = 0;
    public Tls tls = new Tls();
    /** TLS of the gateway's gRPC connections to remote ({@code grpc://}) draft and verifier workers. */
    public GrpcTls grpcTls = new GrpcTls();
    /** How often {@code grpc://} verifier host names are resolved again (one channel per address); 0 = once. */
    public long dnsRefreshMs = 30_000;
    public Resilience resilience = new Resilience();
    /** Logs prompts and outputs (debugging only: they may be private). */
    public boolean logPrompts = false;

    /** One API key and the tenant its requests are routed as (routing policy {@code tenants}). */
    public static final class ApiKey {
        public String key;
        /** null = {@code key-N}, N the key's position in {@code api_keys}. */
        public String tenant;

        public ApiKey() {
        }

        /** A plain key: in YAML a string instead of an object. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static ApiKey of(String key) {
            ApiKey apiKey = new ApiKey();
            apiKey.key = key;
            return apiKey;
        }

        public static ApiKey of(String key, String tenant) {
            ApiKey apiKey = of(key);
            apiKey.tenant = tenant;
            return apiKey;
        }
    }

    /** Requests per second per API key (or per client address when the API is open); 0 = unlimited. */
    public static final class RateLimit {
        public double requestsPerSecond = 0;
        public int burst = 20;
    }

    /** TLS on the HTTP port, from PEM files. */
    public static final class Tls {
        public boolean enabled = false;
        public String certPath;
        public String keyPath;
    }

    /**
     * Client side of TLS on gRPC, from PEM files. {@code ca_path}: CA certificates to trust (null = the JVM's
     * default trust store); {@code cert_path} and {@code key_path} (PKCS#8): the gateway's own certificate, for
     * workers that require client certificates (mTLS).
     */
    public static final class GrpcTls {
        public boolean enabled = false;
        public String caPath;
        public String certPath;
        public String keyPath;
    }

    /** How the gateway protects itself from a slow or dead verifier. */
    public static final class Resilience {
        /** A verification round slower than this fails (and the request continues on the draft). */
        public long roundTimeoutMs = 2000;
        /** Retries of a failed round (rounds are idempotent by round number). */
        public int retries = 1;
        public long retryWaitMs = 20;
        /** Failure percentage over the sliding window that opens the breaker. */
        public float failureRateThreshold = 50;
        public int slidingWindow = 10;
        public int minimumCalls = 4;
        /** How long the breaker stays open before letting a probe through. */
        public long openWaitMs = 3000;
        public int halfOpenCalls = 1;
        /** Sessions using the verifier at once; beyond this, requests run draft-only. */
        public int maxVerifierSessions = 256;
        /** Deadline of the verifier's Info call at startup and of each reconnection probe. */
        public long startupTimeoutMs = 10_000;
    }

    public static GatewayConfig load(Path yaml) throws IOException {
        GatewayConfig config = mapper().readValue(yaml.toFile(), GatewayConfig.class);
        return config == null ? new GatewayConfig() : config;
    }

    public static GatewayConfig parse(String yaml) throws IOException {
        GatewayConfig config = mapper().readValue(yaml, GatewayConfig.class);
        return config == null ? new GatewayConfig() : config;
    }

    public DecodeMode defaultDecodeMode() {
        if (defaultMode == null) {
            return DecodeMode.SPECULATIVE;
        }
        DecodeMode mode = DecodeMode.parse(defaultMode);
        if (mode == null) {
            throw new IllegalArgumentException("default_mode '" + defaultMode
                    + "' is not one of speculative, draft-only, verifier-only");
        }
        return mode;
    }

    public int effectiveInferenceThreads() {
        return inferenceThreads > 0 ? inferenceThreads : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
