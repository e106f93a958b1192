package io.gatehouse.core.cli;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.core.config.ConfigSchema;
import io.gatehouse.core.config.Problem;
import io.gatehouse.core.plugin.ComponentRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code gatehouse plugins describe ID}: the config schema of one component. */
@Command(name = "describe", description = {"Describe the config of a component (filter, balancer or discovery), "
        + "derived from its config record: each key as the config spells it (nested ones as a.b and list[].c), "
        + "its type, its default (what an empty config gets; `required` where an empty config is refused for want "
        + "of it) and its documentation."},
        footer = {"", "Exit codes: 0 described, 2 usage error (among them an unknown ID; the message lists the "
                + "installed ones)."})
final class PluginsDescribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "A component id, e.g. filter.jwt, lb.round_robin, "
            + "discovery.static; a bare name (jwt) when only one namespace has it.")
    String id;

    @Option(names = "--home", paramLabel = "DIR", description = Home.OPTION_HELP)
    Path home;

    @Option(names = "--json", description = "Print a JSON object instead.")
    boolean json;

    /**
     * What {@code describe} prints.
     *
     * @param id     the component id
     * @param origin {@code builtin (...)} or {@code plugin 'x' (file)}
     * @param schema the schema of its config record
     */
    record Description(String id, String origin, ConfigSchema.Schema schema) {
    }

    @Override
    public Integer call() throws Exception {
        return Output.print(spec, json, Installed.read(Home.resolve(home), this::describe),
                PluginsDescribeCommand::print);
    }

    private Description describe(ComponentRegistry registry) {
        String full = resolve(registry);
        ComponentFactory<?, ?> factory = registry.find(full).orElseThrow();
        return new Description(full, registry.origin(full).orElse(""), ConfigSchema.of(factory));
    }

    /** @return the full id {@link #id} names, or a usage error listing the installed ids */
    private String resolve(ComponentRegistry registry) {
        if (registry.find(id).isPresent()) {
            return id;
        }
        List<String> byName = registry.ids().stream().filter(known -> known.endsWith("." + id)).toList();
        if (byName.size() == 1) {
            return byName.getFirst();
        }
        throw new ParameterException(spec.commandLine(), (byName.isEmpty()
                ? "unknown component '" + id + "'" : "'" + id + "' is ambiguous: " + String.join(", ", byName))
                + " (installed: " + String.join(", ", registry.ids()) + ")");
    }

    private static void print(Description description, PrintWriter out) {
        ConfigSchema.Schema schema = description.schema();
        out.println(description.id() + " — " + description.origin());
        out.println("config record: " + schema.configType());
        Optional.ofNullable(schema.shortcut()).ifPresent(key -> out.println("shortcut: a scalar sets " + key
                + " (`" + description.id().substring(description.id().indexOf('.') + 1) + ": VALUE`)"));
        out.println();
        if (schema.keys().isEmpty()) {
            out.println("no keys: configure it by its name alone");
        } else {
            TextTable table = new TextTable("KEY", "TYPE", "DEFAULT", "DESCRIPTION");
            for (ConfigSchema.Key key : schema.keys()) {
                table.add(key.key(), key.type(), key.defaultValue(), key.doc());
            }
            table.print(out);
        }
        if (!schema.emptyRefused().isEmpty()) {
            out.println();
            out.println("an empty config is refused:");
            for (Problem problem : schema.emptyRefused()) {
                out.println("  " + problem);
            }
        }
    }
}
