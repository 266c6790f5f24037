package dev.specgate.gateway.decode;

import dev.specgate.draft.DraftEngine;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TokenizerMismatchTest {

    @Test
    void aDraftWithAnotherTokenizerIsRefused() throws Exception {
        try (Model stories = Model.load(TestModels.path("stories260K.gguf"));
             Model kjv = Model.load(TestModels.path(Fixtures.VERIFIER));
             DraftEngine draft = new DraftEngine(stories);
             VerifierEngine verifier = new VerifierEngine(kjv, VerifierConfig.defaults())) {
            TokenizerMismatchException e = assertThrows(TokenizerMismatchException.class,
                    () -> SpeculativeDecoder.create(new InProcessDraftChannel(draft), new InProcessVerifierChannel(verifier)));
            assertTrue(e.getMessage().contains("'stories260K'") && e.getMessage().contains("do not share a tokenizer"),
                    e.getMessage());
        }
    }
}
