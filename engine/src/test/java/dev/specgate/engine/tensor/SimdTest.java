package dev.specgate.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The kernels' lane reduction: a fixed tree of float adds, bit for bit, whatever the tile it came from. */
class SimdTest {

    /** lane j + lane j + L/2, then j + j + L/4, ... down to one value, in float. */
    private static float tree(float[] lanes, int from, int n) {
        float[] v = java.util.Arrays.copyOfRange(lanes, from, from + n);
        for (int half = n / 2; half >= 1; half /= 2) {
            for (int j = 0; j < half; j++) {
                v[j] = v[j] + v[j + half];
            }
        }
        return v[0];
    }

    @Test
    void reduce4SumsEachAccumulatorByTheFixedTree() {
        int l = Simd.L;
        Random rnd = new Random(3);
        float[] acc = new float[16 * l];
        for (int trial = 0; trial < 200; trial++) {
            for (int i = 0; i < acc.length; i++) {
                // Mixed magnitudes, so that any other order of adds would round differently.
                acc[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(8) - 4));
            }
            for (int group = 0; group < 4; group++) {
                float[] out = new float[8];
                int valid = 1 + trial % 4;
                Simd.reduce4(acc, group, out, 2, valid);
                for (int a = 0; a < 4; a++) {
                    float expected = a < valid ? tree(acc, (4 * group + a) * l, l) : 0f;
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[2 + a]),
                            "group " + group + " accumulator " + a);
                }
                assertEquals(0f, out[0]);
                assertEquals(0f, out[1]);
                assertEquals(0f, out[6]);
            }
        }
    }
}
