package dev.specgate.engine.bench;

/*
 * Run from the checkout root (the models are found through $SPECGATE_MODELS, else ../shared/models):
 *
 *   export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 *   ./mvnw -B -ntp -q -pl engine test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.cp
 *   $JAVA_HOME/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/test.cp) \
 *       org.openjdk.jmh.Main MatmulBenchmark -wi 3 -i 5 -w 1s -r 1s
 *
 * matmul: the verifier's blk.0.ffn_up.weight (1024 x 384) from the real F32 and Q8_0 files, batch 1/8/16.
 * "layers" = one matrix (stays in cache, measures compute) or all 16 FFN up/gate matrices of the 8 layers in turn
 * (what a forward pass streams; 24 MB F32). Reported time is per matmul either way.
 * bandwidth: one vectorized pass over a 512 MB off-heap segment; GB/s = 0.537 / (ms per op).
 */

import dev.specgate.engine.gguf.GGUFFile;
import dev.specgate.engine.gguf.GGUFTensorInfo;
import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.tensor.WeightMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class MatmulBenchmark {

    @State(Scope.Benchmark)
    public static class Matmul {
        @Param({"f32", "q8_0"})
        public String type;

        @Param({"1", "8", "16"})
        public int batch;

        @Param({"one", "all"})
        public String layers;

        GGUFFile file;
        WeightMatrix[] matrices;
        float[] x;
        float[] out;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = GGUFFile.open(ModelFiles.directory().resolve("kjv-verifier-14m-" + type + ".gguf"));
            List<WeightMatrix> list = new ArrayList<>();
            for (int l = 0; l < (layers.equals("one") ? 1 : 8); l++) {
                for (String t : layers.equals("one") ? new String[] {"ffn_up"} : new String[] {"ffn_up", "ffn_gate"}) {
                    GGUFTensorInfo info = file.tensor("blk." + l + "." + t + ".weight");
                    list.add(WeightMatrix.of(info, file.data(info)));
                }
            }
            matrices = list.toArray(WeightMatrix[]::new);
            x = new float[batch * matrices[0].cols()];
            Random rnd = new Random(1);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            out = new float[batch * matrices[0].rows()];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            file.close();
        }
    }

    @Benchmark
    public float matmul(Matmul s) {
        WeightMatrix m = s.matrices[s.next];
        s.next = s.next + 1 == s.matrices.length ? 0 : s.next + 1;
        m.matmul(s.x, s.batch, s.out);
        return s.out[0];
    }

    @State(Scope.Benchmark)
    public static class Memory {
        static final long BYTES = 512L << 20;
        Arena arena;
        MemorySegment segment;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofShared();
            segment = arena.allocate(BYTES, 64);
            for (long i = 0; i < BYTES; i += 4) {
                segment.set(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (i & 0xFFFF) * 1e-6f);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Single-threaded read bandwidth: four independent accumulators so the adds never limit the loads. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public float bandwidth512MB(Memory m) {
        MemorySegment seg = m.segment;
        long step = F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (long i = 0; i < Memory.BYTES; i += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, seg, i, ByteOrder.nativeOrder()));
            a1 = a1.add(FloatVector.fromMemorySegment(F, seg, i + step, ByteOrder.nativeOrder()));
            a2 = a2.add(FloatVector.fromMemorySegment(F, seg, i + 2 * step, ByteOrder.nativeOrder()));
            a3 = a3.add(FloatVector.fromMemorySegment(F, seg, i + 3 * step, ByteOrder.nativeOrder()));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
