package dev.specgate.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses, and the one float dot product they share.
 *
 * <p>Quantized kernels widen bytes to floats lane for lane, so the byte species has as many lanes as the float
 * one. Block sizes (32, 16 nibble bytes) must be multiples of the lane count: we use the preferred float species
 * when it has 8 or 16 lanes (AVX2, AVX-512) and fall back to 256 bits otherwise.
 */
final class Simd {
    static final VectorSpecies<Float> F = pickFloatSpecies();
    static final int L = F.length();
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    private Simd() {
    }

    private static VectorSpecies<Float> pickFloatSpecies() {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        return s.length() == 8 || s.length() == 16 ? s : FloatVector.SPECIES_256;
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
