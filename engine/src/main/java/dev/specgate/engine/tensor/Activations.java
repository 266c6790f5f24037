package dev.specgate.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised element-wise functions of the forward pass. {@link #exp} uses only IEEE lane-wise arithmetic, so
 * its result is the same in every lane, for every tail mask, and before and after the JIT compiles it (the Vector
 * API's own EXP calls a different library once compiled): the pass over T tokens stays bit-identical to T steps.
 */
final class Activations {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = Simd.L;

    private Activations() {
    }

    /**
     * e^x, to about 2 ulp (Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2, a degree-6 polynomial for e^r, then
     * 2^n from the exponent bits). Inputs are clamped to [-87, 88]: e^x underflows to about 1e-38 or is at most
     * about 1.6e38, never infinite or denormal.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        // n = round(x / ln 2): adding 1.5 * 2^23 rounds to an integer (to nearest even).
        FloatVector n = x.fma(1.44269504088896341f, 12582912f).sub(12582912f);
        FloatVector r = n.fma(FloatVector.broadcast(F, -0.693359375f), x).sub(n.mul(-2.12194440e-4f));
        FloatVector r2 = r.mul(r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        p = p.fma(r2, r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /**
     * {@code gate[i] = silu(gate[i]) * up[i]} for rows {@code [from, to)} of each of {@code batch} rows of width
     * {@code rows} (the SwiGLU feed-forward's hidden activations), with silu(g) = g / (1 + e^-g).
     */
    static void swiglu(float[] gate, float[] up, int rows, int batch, int from, int to) {
        for (int b = 0; b < batch; b++) {
            int end = b * rows + to;
            for (int i = b * rows + from; i < end; i += L) {
                VectorMask<Float> m = F.indexInRange(i, end);
                FloatVector g = FloatVector.fromArray(F, gate, i, m);
                FloatVector u = FloatVector.fromArray(F, up, i, m);
                FloatVector silu = g.div(exp(g.neg()).add(1f));
                silu.mul(u).intoArray(gate, i, m);
            }
        }
    }
}
