package dev.specgate.engine.bench;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.model.SequenceInput;

import java.util.Arrays;

/**
 * Forward-pass cost by token count (logits for every token, as the verifier needs), interleaved so every count sees the same machine state: each round runs one
 * pass of every count in turn (position 32, rolled back); prints the median and minimum per count.
 *
 *   java ... dev.specgate.engine.bench.ForwardSweep kjv-verifier-14m-f32.gguf [rounds] [counts,...]
 */
public final class ForwardSweep {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int[] counts = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 2, 4, 8};
        try (Model model = Model.load(ModelFiles.resolve(args[0])); KVCache cache = model.newCache()) {
            int[] prompt = new int[32];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = 1 + i % 50;
            }
            model.forward(cache, prompt);
            long[][] nanos = new long[counts.length][rounds];
            for (int warm = 0; warm < 30; warm++) {
                for (int t : counts) {
                    model.forward(cache, Arrays.copyOf(prompt, t));
                    cache.truncate(32);
                }
            }
            for (int i = 0; i < rounds; i++) {
                for (int j = 0; j < counts.length; j++) {
                    int[] tokens = Arrays.copyOf(prompt, counts[j]);
                    long start = System.nanoTime();
                    model.forward(java.util.List.of(SequenceInput.allLogits(cache, tokens)));
                    nanos[j][i] = System.nanoTime() - start;
                    cache.truncate(32);
                }
            }
            StringBuilder sb = new StringBuilder(args[0]);
            for (int j = 0; j < counts.length; j++) {
                Arrays.sort(nanos[j]);
                sb.append(String.format("  %d: med %.2f min %.2f", counts[j], nanos[j][rounds / 2] / 1e6, nanos[j][0] / 1e6));
            }
            System.out.println(sb);
        }
    }
}
