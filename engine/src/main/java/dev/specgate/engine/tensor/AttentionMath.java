package dev.specgate.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three steps of one attention head for one query row, vectorised: scores against every cached key, softmax,
 * weighted sum of the values. Keys and values are rows of a KV cache ({@code stride} floats apart, the head at
 * {@code offset} within each). Every step adds in a fixed order and reduces lanes with {@link Simd#reduce4}, so a
 * row's result does not depend on the batch it came in nor on JIT compilation. Head widths that are not a multiple
 * of the vector length (tiny models) take plain scalar loops.
 */
public final class AttentionMath {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = Simd.L;

    private AttentionMath() {
    }

    /** Scratch one thread needs for heads of a context of {@code positions}: pass to {@link #scores}. */
    public static float[] scratch(int positions) {
        return new float[positions + 4 + 4 * L];
    }

    /**
     * {@code scratch[t] = scale * (q[qOff ..] · keys[t * stride + offset ..])} over {@code headDim} values, for
     * positions {@code t < n}. Four positions at a time: four independent FMA chains, reduced together.
     */
    public static void scores(float[] q, int qOff, float[] keys, int offset, int stride, int headDim, int n,
                              float scale, float[] scratch) {
        if (headDim % L != 0) {
            for (int t = 0; t < n; t++) {
                float dot = 0f;
                int k = t * stride + offset;
                for (int i = 0; i < headDim; i++) {
                    dot += q[qOff + i] * keys[k + i];
                }
                scratch[t] = dot * scale;
            }
            return;
        }
        int accAt = scratch.length - 4 * L;
        for (int t = 0; t < n; t += 4) {
            int valid = Math.min(4, n - t);
            int k0 = t * stride + offset;
            int k1 = (t + Math.min(1, valid - 1)) * stride + offset;
            int k2 = (t + Math.min(2, valid - 1)) * stride + offset;
            int k3 = (t + Math.min(3, valid - 1)) * stride + offset;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            for (int i = 0; i < headDim; i += L) {
                FloatVector v = FloatVector.fromArray(F, q, qOff + i);
                a0 = FloatVector.fromArray(F, keys, k0 + i).fma(v, a0);
                a1 = FloatVector.fromArray(F, keys, k1 + i).fma(v, a1);
                a2 = FloatVector.fromArray(F, keys, k2 + i).fma(v, a2);
                a3 = FloatVector.fromArray(F, keys, k3 + i).fma(v, a3);
            }
            a0.intoArray(scratch, accAt);
            a1.intoArray(scratch, accAt + L);
            a2.intoArray(scratch, accAt + 2 * L);
            a3.intoArray(scratch, accAt + 3 * L);
            Simd.reduce4(scratch, 0, accAt, scratch, t, valid);
        }
        for (int t = 0; t < n; t++) {
            scratch[t] *= scale;
        }
    }

    /** Softmax of {@code p[0 .. n)} in place. */
    public static void softmax(float[] p, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            max = Math.max(max, p[t]);
        }
        for (int t = 0; t < n; t += L) {
            VectorMask<Float> m = F.indexInRange(t, n);
            Activations.exp(FloatVector.fromArray(F, p, t, m).sub(max)).intoArray(p, t, m);
        }
        float sum = 0f;
        for (int t = 0; t < n; t++) {
            sum += p[t];
        }
        float inv = 1f / sum;
        for (int t = 0; t < n; t++) {
            p[t] *= inv;
        }
    }

    /** {@code out[oOff .. + headDim) = sum over t < n of p[t] * values[t * stride + offset ..]}. */
    public static void mix(float[] p, int n, float[] values, int offset, int stride, int headDim, float[] out,
                           int oOff) {
        if (headDim % L != 0) {
            java.util.Arrays.fill(out, oOff, oOff + headDim, 0f);
            for (int t = 0; t < n; t++) {
                float a = p[t];
                int v = t * stride + offset;
                for (int i = 0; i < headDim; i++) {
                    out[oOff + i] += a * values[v + i];
                }
            }
            return;
        }
        for (int i = 0; i < headDim; i += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int t = 0; t < n; t++) {
                acc = FloatVector.fromArray(F, values, t * stride + offset + i).fma(FloatVector.broadcast(F, p[t]), acc);
            }
            acc.intoArray(out, oOff + i);
        }
    }
}
