package dev.specgate.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where model files live: {@code $SPECGATE_MODELS}, default {@code ../shared/models}. */
public final class ModelFiles {
    private ModelFiles() {
    }

    public static Path directory() {
        String env = System.getenv("SPECGATE_MODELS");
        return Path.of(env == null || env.isBlank() ? "../shared/models" : env);
    }

    /** A model given as a path, or as a bare file name looked up in {@link #directory()}. */
    public static Path resolve(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        if (Files.exists(p)) {
            return p;
        }
        Path inDir = directory().resolve(nameOrPath.endsWith(".gguf") ? nameOrPath : nameOrPath + ".gguf");
        return Files.exists(inDir) ? inDir : p;
    }
}
