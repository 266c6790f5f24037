package dev.specgate.gateway.text;

import dev.specgate.engine.tokenizer.Tokenizer;

import java.util.List;
import java.util.Locale;

/**
 * Renders chat messages into a prompt. GGUF files carry a Jinja template; rather than run Jinja, the gateway
 * recognises the three common formats by their markers and renders them in Java. A model with no template (or
 * an unrecognised one) gets {@link #PLAIN}: one {@code Role: content} paragraph per message and a final
 * {@code Assistant:} cue.
 */
public enum ChatTemplate {
    /** {@code <|im_start|>role\ncontent<|im_end|>\n} ... {@code <|im_start|>assistant\n} (Qwen, SmolLM, ...). */
    CHATML {
        @Override
        String render(List<ChatMessage> messages) {
            StringBuilder out = new StringBuilder();
            for (ChatMessage m : messages) {
                out.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
            }
            return out.append("<|im_start|>assistant\n").toString();
        }
    },
    /** Llama 3: header-delimited turns ending in {@code <|eot_id|>}. */
    LLAMA3 {
        @Override
        String render(List<ChatMessage> messages) {
            StringBuilder out = new StringBuilder("<|begin_of_text|>");
            for (ChatMessage m : messages) {
                out.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                        .append(m.content().strip()).append("<|eot_id|>");
            }
            return out.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
        }
    },
    /** Llama 2: {@code <s>[INST] <<SYS>>...<</SYS>> user [/INST] assistant </s>}. */
    LLAMA2 {
        @Override
        String render(List<ChatMessage> messages) {
            StringBuilder out = new StringBuilder();
            String system = null;
            boolean open = false;
            for (ChatMessage m : messages) {
                switch (m.role()) {
                    case "system" -> system = m.content().strip();
                    case "assistant" -> {
                        out.append(' ').append(m.content().strip()).append(" </s>");
                        open = false;
                    }
                    default -> {
                        String user = m.content().strip();
                        if (system != null) {
                            user = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + user;
                            system = null;
                        }
                        out.append("<s>[INST] ").append(user).append(" [/INST]");
                        open = true;
                    }
                }
            }
            if (!open && system != null) {
                out.append("<s>[INST] <<SYS>>\n").append(system).append("\n<</SYS>>\n\n [/INST]");
            }
            return out.toString();
        }
    },
    /** The documented default for models without a chat template. */
    PLAIN {
        @Override
        String render(List<ChatMessage> messages) {
            StringBuilder out = new StringBuilder();
            for (ChatMessage m : messages) {
                out.append(capitalize(m.role())).append(": ").append(m.content().strip()).append("\n\n");
            }
            return out.append("Assistant:").toString();
        }
    };

    abstract String render(List<ChatMessage> messages);

    /** The format a GGUF {@code tokenizer.chat_template} uses; {@link #PLAIN} when null or unrecognised. */
    public static ChatTemplate detect(String jinja) {
        if (jinja == null || jinja.isBlank()) {
            return PLAIN;
        }
        if (jinja.contains("<|im_start|>")) {
            return CHATML;
        }
        if (jinja.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        if (jinja.contains("[INST]")) {
            return LLAMA2;
        }
        return PLAIN;
    }

    /** The rendered prompt as token ids: templated formats spell their control tokens in the text. */
    public int[] encode(Tokenizer tokenizer, List<ChatMessage> messages) {
        String text = render(messages);
        return this == PLAIN ? tokenizer.encode(text, true, false) : tokenizer.encode(text, false, true);
    }

    /** The prompt text (for tests and debugging). */
    public String text(List<ChatMessage> messages) {
        return render(messages);
    }

    private static String capitalize(String role) {
        return role.isEmpty() ? role : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
    }
}
