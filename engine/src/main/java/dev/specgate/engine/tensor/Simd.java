package dev.specgate.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses, the one float dot product they share, and the lane reduction of the
 * register-tiled kernels.
 *
 * <p>Quantized kernels widen bytes to floats lane for lane, so the byte species has as many lanes as the float
 * one. Block sizes (32, 16 nibble bytes) must be multiples of the lane count: we use the preferred float species
 * when it has 8 or 16 lanes (AVX2, AVX-512) and fall back to 256 bits otherwise.
 */
final class Simd {
    static final VectorSpecies<Float> F = pickFloatSpecies();
    static final int L = F.length();
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    /*
     * Shuffles of the fold with h partial sums per accumulator afterwards: lane i of the result is x[A[i]] + x[B[i]]
     * where x = [a, b] (2L lanes) and A[i] = (i / h) * 2h + i % h, B[i] = A[i] + h, i.e. each group of 2h partial
     * sums in a and b becomes h. Indexes into b are given as exceptional (negative) ones, as rearrange(s, v) wants.
     */
    private static final VectorShuffle<Float> HALF_A = fold(L / 2, 0, 2), HALF_B = fold(L / 2, L / 2, 2);
    private static final VectorShuffle<Float> QUARTER_A = fold(L / 4, 0, 2), QUARTER_B = fold(L / 4, L / 4, 2);
    /** Self-folds (one input) of the last steps; with L = 8 the eighth step does not exist. */
    private static final VectorShuffle<Float> EIGHTH_A = fold(Math.max(1, L / 8), 0, 1);
    private static final VectorShuffle<Float> EIGHTH_B = fold(Math.max(1, L / 8), Math.max(1, L / 8), 1);
    private static final VectorShuffle<Float> ONE_A = fold(1, 0, 1), ONE_B = fold(1, 1, 1);

    private Simd() {
    }

    private static VectorSpecies<Float> pickFloatSpecies() {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        return s.length() == 8 || s.length() == 16 ? s : FloatVector.SPECIES_256;
    }

    private static VectorShuffle<Float> fold(int h, int shift, int inputs) {
        int[] index = new int[L];
        for (int i = 0; i < L; i++) {
            int source = (i / h) * 2 * h + i % h + shift;
            index[i] = source < L ? source : inputs == 2 ? source - 2 * L : source - L;
        }
        return VectorShuffle.fromArray(F, index, 0);
    }

    /**
     * Sums the lanes of the four accumulators stored at {@code acc[4 * i * L ..]} (i = 0..3) and stores the
     * totals at {@code out[o .. o + valid)} (valid is 4 except at a matrix's last rows). The
     * {@link #reduce4(float[], int, int, float[], int, int)} form reads them from {@code acc[at ..]}.
     *
     * <p>Every accumulator is summed by the same fixed tree (lane j + lane j + L/2, then j + L/4, ... j + 1),
     * with plain lane-wise adds, so a kernel's result does not depend on its tile shape nor on whether the JIT
     * has compiled it yet (unlike {@code reduceLanes}, whose order is unspecified); four at a time, with
     * two-vector permutes, it costs about what four {@code reduceLanes} do.
     *
     * <p>Kernels store their accumulators and reduce through this method, called from outside the kernel:
     * a kernel that also inlines its reductions exceeds the JIT's node budget, and vectors passed to a method
     * that is not inlined get boxed (measured: 5x slower). So no vector crosses a call here either.
     */
    static void reduce4(float[] acc, int i, float[] out, int o, int valid) {
        reduce4(acc, i, 0, out, o, valid);
    }

    static void reduce4(float[] acc, int i, int at, float[] out, int o, int valid) {
        int a = at + 4 * i * L;
        FloatVector v0 = FloatVector.fromArray(F, acc, a);
        FloatVector v1 = FloatVector.fromArray(F, acc, a + L);
        FloatVector v2 = FloatVector.fromArray(F, acc, a + 2 * L);
        FloatVector v3 = FloatVector.fromArray(F, acc, a + 3 * L);
        FloatVector h01 = v0.rearrange(HALF_A, v1).add(v0.rearrange(HALF_B, v1));         // [v0 | v1], L/2 partials each
        FloatVector h23 = v2.rearrange(HALF_A, v3).add(v2.rearrange(HALF_B, v3));         // [v2 | v3]
        FloatVector q = h01.rearrange(QUARTER_A, h23).add(h01.rearrange(QUARTER_B, h23)); // [v0 | v1 | v2 | v3], L/4 each
        if (L == 16) {
            q = q.rearrange(EIGHTH_A).add(q.rearrange(EIGHTH_B));                           // 2 partials each
        }
        q = q.rearrange(ONE_A).add(q.rearrange(ONE_B));                                     // totals in lanes 0..3
        q.intoArray(out, o, F.indexInRange(0, valid));
    }

    /** sum a[aOff + i] * b[bOff + i] for i < n, with two accumulators so FMA latency does not serialize. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), acc1);
        }
        for (; i + L <= n; i += L) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }
}
