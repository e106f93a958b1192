package io.gatehouse.core.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.function.BiConsumer;

/**
 * What a read-only command prints on stdout: its value as text, or with {@code --json} as JSON (indented, fields in
 * record order, named in snake_case like the config: {@code default_value}, {@code replaced_by}).
 */
final class Output {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private Output() {
    }

    /**
     * @param spec  the command, whose stdout is written
     * @param json  whether {@code --json} was given
     * @param value what to print
     * @param text  prints {@code value} as text
     * @return {@link GatehouseCommand#OK}
     */
    static <T> int print(CommandSpec spec, boolean json, T value, BiConsumer<T, PrintWriter> text)
            throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(MAPPER.writeValueAsString(value));
        } else {
            text.accept(value, out);
        }
        out.flush();
        return GatehouseCommand.OK;
    }
}
