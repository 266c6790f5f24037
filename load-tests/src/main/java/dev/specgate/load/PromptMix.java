package dev.specgate.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The prompts a run cycles through, one per non-blank line of a file. Requests take them round-robin, so two
 * runs with the same request count send exactly the same prompts (comparisons stay fair).
 */
public final class PromptMix {
    private final List<String> prompts;
    private final AtomicLong next = new AtomicLong();

    public PromptMix(List<String> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("the prompt mix is empty");
        }
        this.prompts = List.copyOf(prompts);
    }

    public static PromptMix load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("prompt file " + file + " does not exist");
        }
        List<String> prompts = Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (prompts.isEmpty()) {
            throw new IOException("prompt file " + file + " has no prompts (one per line expected)");
        }
        return new PromptMix(prompts);
    }

    /** Every prompt, in file order. */
    public List<String> prompts() {
        return prompts;
    }

    public String next() {
        return prompts.get((int) (next.getAndIncrement() % prompts.size()));
    }

    public int size() {
        return prompts.size();
    }
}
