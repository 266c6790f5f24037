package dev.specgate.engine;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared model and reference files for tests: {@code $SPECGATE_MODELS} (surefire sets it to
 * {@code ../shared/models} beside the checkout), references in its sibling {@code reference}. A missing file skips
 * the test with a message, or fails it when {@code SPECGATE_REQUIRE_MODELS=1} (CI, where the files must be there).
 */
public final class TestModels {
    private TestModels() {}

    public static Path modelsDir() {
        return ModelFiles.directory().toAbsolutePath().normalize();
    }

    public static Path referenceDir() {
        return modelsDir().resolveSibling("reference");
    }

    /** A model file, e.g. {@code path("kjv-draft-1m-f32.gguf")}; skips (or fails) the test when it is missing. */
    public static Path path(String fileName) {
        return require(modelsDir().resolve(fileName));
    }

    /** A reference file, e.g. {@code reference("kjv-draft-1m-f32.ref.json")}; skips (or fails) when missing. */
    public static Path reference(String fileName) {
        return require(referenceDir().resolve(fileName));
    }

    private static Path require(Path file) {
        if (!Files.isRegularFile(file)) {
            String message = file + " is missing (set SPECGATE_MODELS to the shared models directory)";
            if ("1".equals(System.getenv("SPECGATE_REQUIRE_MODELS"))) {
                Assertions.fail(message + "; SPECGATE_REQUIRE_MODELS=1 requires it");
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        return file;
    }
}
