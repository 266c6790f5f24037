package dev.specgate.gateway.http;

/**
 * An error the client is told about, in OpenAI's shape {@code {"error": {"message", "type", "param", "code"}}}.
 * Messages are written for the client: they never carry stack traces or internals.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, "invalid_value", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "invalid_request_error", null, "invalid_api_key", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "invalid_request_error", null, "forbidden", message);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist");
    }

    public static ApiException tooLarge(long limit) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "Request body is larger than " + limit + " bytes");
    }

    public static ApiException rateLimited() {
        return new ApiException(429, "requests", null, "rate_limit_exceeded",
                "Rate limit reached for requests; retry after the time in the Retry-After header");
    }

    public static ApiException overloaded() {
        return new ApiException(503, "server_error", null, "overloaded",
                "The server is handling too many generations; retry shortly");
    }

    public static ApiException internal() {
        return new ApiException(500, "server_error", null, "internal_error", "The server had an error");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
