package dev.specgate.engine.bench;

import dev.specgate.engine.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Measures memory read bandwidth the way a decode step reads weights: a vectorised sum over an off-heap
 * buffer much larger than any cache, split over the same thread pool the matmuls use.
 */
public final class ReadBandwidth {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private ReadBandwidth() {
    }

    /** Best of {@code repeats} passes over {@code bytes}, in bytes per second. */
    public static double measure(long bytes, int repeats) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(bytes, 64);
            buffer.fill((byte) 1);
            long floats = bytes / Float.BYTES;
            int chunks = 256;
            long perChunk = floats / chunks / F.length() * F.length();
            double best = 0;
            float[] sink = new float[chunks];
            for (int rep = 0; rep < repeats; rep++) {
                long start = System.nanoTime();
                Parallel.forRange(chunks, 1, (from, to) -> {
                    for (int c = from; c < to; c++) {
                        FloatVector acc = FloatVector.zero(F);
                        long base = c * perChunk * Float.BYTES;
                        for (long i = 0; i < perChunk; i += F.length()) {
                            acc = acc.add(FloatVector.fromMemorySegment(F, buffer, base + i * Float.BYTES,
                                    ByteOrder.LITTLE_ENDIAN));
                        }
                        sink[c] = acc.reduceLanes(VectorOperators.ADD);
                    }
                });
                long nanos = System.nanoTime() - start;
                best = Math.max(best, chunks * perChunk * Float.BYTES / (nanos / 1e9));
            }
            if (Float.isNaN(sink[0])) {
                throw new AssertionError(); // keeps the sums alive
            }
            return best;
        }
    }
}
