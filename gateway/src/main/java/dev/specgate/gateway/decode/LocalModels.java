package dev.specgate.gateway.decode;

import dev.specgate.draft.DraftConfig;
import dev.specgate.draft.DraftEngine;
import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;

import java.io.IOException;

/**
 * A verifier (and optionally a draft) loaded in this process with no network in between: what
 * {@code ./specgate generate --draft} and {@code ./specgate bench speculative} run on. Owns models and engines.
 */
public final class LocalModels implements AutoCloseable {
    private final Model verifierModel;
    private final VerifierEngine verifierEngine;
    private final Model draftModel;     // null: verifier only
    private final DraftEngine draftEngine;

    private LocalModels(Model verifierModel, VerifierEngine verifierEngine, Model draftModel, DraftEngine draftEngine) {
        this.verifierModel = verifierModel;
        this.verifierEngine = verifierEngine;
        this.draftModel = draftModel;
        this.draftEngine = draftEngine;
    }

    /** Loads both models; {@code draft} may be null for a verifier alone. Names resolve via {@link ModelFiles}. */
    public static LocalModels load(String verifier, String draft) throws IOException {
        Model v = Model.load(ModelFiles.resolve(verifier));
        Model d = null;
        try {
            d = draft == null ? null : Model.load(ModelFiles.resolve(draft));
            return new LocalModels(v, new VerifierEngine(v, VerifierConfig.defaults()), d,
                    d == null ? null : new DraftEngine(d, DraftConfig.DEFAULT));
        } catch (IOException | RuntimeException e) {
            v.close();
            if (d != null) {
                d.close();
            }
            throw e;
        }
    }

    public Model verifierModel() {
        return verifierModel;
    }

    public Model draftModel() {
        return draftModel;
    }

    public VerifierEngine verifierEngine() {
        return verifierEngine;
    }

    public DraftEngine draftEngine() {
        return draftEngine;
    }

    /** Draft → verifier decoding (tokenizers checked), or verifier-only if no draft was loaded. */
    public SpeculativeDecoder decoder() {
        VerifierChannel v = new InProcessVerifierChannel(verifierEngine);
        return draftEngine == null ? SpeculativeDecoder.verifierOnly(v)
                : SpeculativeDecoder.create(new InProcessDraftChannel(draftEngine), v);
    }

    /** Verifier-only decoding on the same verifier engine (the baseline in a side-by-side comparison). */
    public SpeculativeDecoder verifierOnlyDecoder() {
        return SpeculativeDecoder.verifierOnly(new InProcessVerifierChannel(verifierEngine));
    }

    @Override
    public void close() {
        if (draftEngine != null) {
            draftEngine.close();
            draftModel.close();
        }
        verifierEngine.close();
        verifierModel.close();
    }
}
