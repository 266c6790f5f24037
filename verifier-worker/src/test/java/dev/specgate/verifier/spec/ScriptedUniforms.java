package dev.specgate.verifier.spec;

import java.util.random.RandomGenerator;

/** A RandomGenerator that hands out a fixed script of uniforms, so hand-worked cases control every coin flip. */
final class ScriptedUniforms implements RandomGenerator {

    private final double[] script;
    private int consumed;

    ScriptedUniforms(double... script) {
        this.script = script;
    }

    @Override
    public double nextDouble() {
        if (consumed == script.length) {
            throw new IllegalStateException("script of " + script.length + " uniforms exhausted");
        }
        return script[consumed++];
    }

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("only uniforms are scripted");
    }

    int consumed() {
        return consumed;
    }
}
