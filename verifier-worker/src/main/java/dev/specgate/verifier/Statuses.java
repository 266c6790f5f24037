package dev.specgate.verifier;

import dev.specgate.engine.model.ContextOverflowException;
import dev.specgate.engine.model.KVCacheMemoryException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.CompletionException;

/** The worker's errors as gRPC statuses, so in-process callers see exactly what remote callers see. */
final class Statuses {
    private Statuses() {
    }

    static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException outOfRange(String message) {
        return Status.OUT_OF_RANGE.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException resourceExhausted(String message) {
        return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException unavailable(String message) {
        return Status.UNAVAILABLE.withDescription(message).asRuntimeException();
    }

    /** Any failure as a status: engine exceptions map to their documented codes, the rest is INTERNAL. */
    static StatusRuntimeException from(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return switch (e) {
            case StatusRuntimeException s -> s;
            case ContextOverflowException c -> outOfRange(c.getMessage());
            case KVCacheMemoryException m -> resourceExhausted(m.getMessage());
            default -> Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).withCause(e).asRuntimeException();
        };
    }
}
