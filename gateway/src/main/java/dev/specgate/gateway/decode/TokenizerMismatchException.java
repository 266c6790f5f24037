package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.ModelInfo;

/** A draft and a verifier whose token ids mean different text: they cannot be paired. */
public final class TokenizerMismatchException extends IllegalArgumentException {
    public TokenizerMismatchException(ModelInfo draft, ModelInfo verifier) {
        super("draft model '" + draft.getModel() + "' and verifier model '" + verifier.getModel()
                + "' do not share a tokenizer (fingerprints " + shorten(draft.getTokenizerFingerprint()) + " vs "
                + shorten(verifier.getTokenizerFingerprint()) + ", vocabularies " + draft.getVocabSize() + " vs "
                + verifier.getVocabSize() + " tokens): their token ids mean different text, so they cannot be paired");
    }

    private static String shorten(String fingerprint) {
        return fingerprint.length() > 12 ? fingerprint.substring(0, 12) + "…" : fingerprint;
    }
}
