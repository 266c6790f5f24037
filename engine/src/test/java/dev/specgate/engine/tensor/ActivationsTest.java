package dev.specgate.engine.tensor;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vectorised exp and SwiGLU against Math.exp. */
class ActivationsTest {

    @Test
    void expIsWithinThreeUlpOfMathExp() {
        Random rnd = new Random(5);
        float[] in = new float[Simd.L];
        float[] out = new float[Simd.L];
        for (int trial = 0; trial < 20_000; trial++) {
            for (int i = 0; i < in.length; i++) {
                in[i] = trial < 10 ? (trial - 5) * 20f + i : (float) (rnd.nextDouble() * 174 - 87);
            }
            Activations.exp(FloatVector.fromArray(Simd.F, in, 0)).intoArray(out, 0);
            for (int i = 0; i < in.length; i++) {
                float x = Math.clamp(in[i], -87f, 88f);
                float expected = (float) Math.exp(x);
                assertTrue(Math.abs(out[i] - expected) <= 3 * Math.ulp(expected),
                        "exp(" + in[i] + ") = " + out[i] + ", Math.exp " + expected);
            }
        }
        Activations.exp(FloatVector.broadcast(Simd.F, 0f)).intoArray(out, 0);
        assertEquals(1f, out[0]);
        Activations.exp(FloatVector.broadcast(Simd.F, -1000f)).intoArray(out, 0);
        assertTrue(out[0] >= 0f && out[0] < 1e-37f, "underflows to about zero: " + out[0]);
        Activations.exp(FloatVector.broadcast(Simd.F, 1000f)).intoArray(out, 0);
        assertTrue(Float.isFinite(out[0]), "saturates, never infinite: " + out[0]);
    }

    @Test
    void swigluOfARowRange() {
        int rows = 37;
        int batch = 3;
        Random rnd = new Random(9);
        float[] gate = new float[rows * batch];
        float[] up = new float[rows * batch];
        for (int i = 0; i < gate.length; i++) {
            gate[i] = (float) rnd.nextGaussian() * 4;
            up[i] = (float) rnd.nextGaussian();
        }
        float[] before = gate.clone();
        Activations.swiglu(gate, up, rows, batch, 5, 30);
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                int i = b * rows + r;
                if (r < 5 || r >= 30) {
                    assertEquals(before[i], gate[i], "outside the range: untouched");
                } else {
                    double g = before[i];
                    double expected = g / (1 + Math.exp(-g)) * up[i];
                    assertEquals(expected, gate[i], 1e-6 * (1 + Math.abs(expected)), "row " + r + " of batch row " + b);
                }
            }
        }
    }
}
