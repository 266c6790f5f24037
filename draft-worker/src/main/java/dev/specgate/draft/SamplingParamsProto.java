package dev.specgate.draft;

import dev.specgate.engine.sampling.SamplingParams;

/** The wire's sampling parameters, with their "0 means off" defaults, as the engine's record. */
public final class SamplingParamsProto {
    private SamplingParamsProto() {
    }

    public static SamplingParams toEngine(dev.specgate.proto.v1.SamplingParams p) {
        float topP = p.getTopP() == 0f ? 1f : p.getTopP();
        float penalty = p.getRepetitionPenalty() == 0f ? 1f : p.getRepetitionPenalty();
        return new SamplingParams(p.getTemperature(), p.getTopK(), topP, p.getMinP(), penalty, p.getSeed());
    }

    public static dev.specgate.proto.v1.SamplingParams toProto(SamplingParams p) {
        return dev.specgate.proto.v1.SamplingParams.newBuilder()
                .setTemperature(p.temperature()).setTopK(p.topK()).setTopP(p.topP()).setMinP(p.minP())
                .setRepetitionPenalty(p.repetitionPenalty()).setSeed(p.seed()).build();
    }
}
