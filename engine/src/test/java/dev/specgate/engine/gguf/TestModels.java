package dev.specgate.engine.gguf;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared model files: $SPECGATE_MODELS (set by surefire), else ../shared/models. */
public final class TestModels {
    private TestModels() {
    }

    public static Path dir() {
        String env = System.getenv("SPECGATE_MODELS");
        return Path.of(env != null && !env.isBlank() ? env : "../shared/models");
    }

    /** The model file {@code name}; fails (rather than skips) when it is missing, so a broken setup is visible. */
    public static Path require(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("model " + name + " not found in " + dir().toAbsolutePath()
                    + " (set SPECGATE_MODELS)");
        }
        return p;
    }
}
