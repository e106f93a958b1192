package io.gatehouse.core.cli;

import io.gatehouse.core.plugin.ComponentRegistry;
import io.gatehouse.core.plugin.PluginInfo;
import io.gatehouse.core.plugin.PluginProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/** {@code gatehouse plugins list}: every plugin in {@code plugins/} and every builtin component. */
@Command(name = "list", description = {"List every plugin in <home>/plugins/ (id, version, state: started or "
        + "refused and why, the components it provides) and the core's built-in components (and which plugin "
        + "replaces one, if any)."},
        footer = {"", "Exit codes: 0 listed (refused plugins are listed, not an error; `gatehouse check` fails on "
                + "them), 2 usage error."})
final class PluginsListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", description = Home.OPTION_HELP)
    Path home;

    @Option(names = "--json", description = "Print a JSON object {plugins: [...], builtins: [...]} instead.")
    boolean json;

    /**
     * One plugin.
     *
     * @param id       its {@code Plugin-Id}, or {@code ?} when its descriptor could not be read
     * @param version  its version, or empty
     * @param state    {@code started} or {@code refused}
     * @param source   its file or folder in {@code plugins/}
     * @param provides the component ids it provides
     * @param problems why it (or one of its components) was refused
     */
    record PluginRow(String id, String version, String state, String source, List<String> provides,
                     List<String> problems) {
    }

    /**
     * One builtin component.
     *
     * @param id         its id
     * @param replacedBy the plugin that provides this id instead, or {@code null}
     */
    record BuiltinRow(String id, String replacedBy) {
    }

    /** Both lists, as {@code --json} prints them. */
    record Listing(List<PluginRow> plugins, List<BuiltinRow> builtins) {
    }

    @Override
    public Integer call() throws Exception {
        return Output.print(spec, json, Installed.read(Home.resolve(home), PluginsListCommand::listing),
                PluginsListCommand::print);
    }

    static Listing listing(ComponentRegistry registry) {
        Map<String, PluginRow> plugins = new LinkedHashMap<>();
        for (PluginInfo info : registry.plugins()) {
            List<String> problems = registry.problems().stream()
                    .filter(p -> info.id().equals(p.pluginId())).map(PluginProblem::message).toList();
            String state = "started".equals(info.state()) ? "started" : "refused";
            plugins.put(info.id(), new PluginRow(info.id(), info.version(), state, info.source(),
                    List.copyOf(info.provides()), problems));
        }
        for (PluginProblem problem : registry.problems()) {
            if (problem.pluginId() == null || !plugins.containsKey(problem.pluginId())) {
                String id = Objects.requireNonNullElse(problem.pluginId(), "?");
                PluginRow known = plugins.get(id + "@" + problem.source());
                List<String> problems = new ArrayList<>(known == null ? List.of() : known.problems());
                problems.add(problem.message());
                plugins.put(id + "@" + problem.source(),
                        new PluginRow(id, "", "refused", problem.source(), List.of(), problems));
            }
        }
        List<BuiltinRow> builtins = new ArrayList<>();
        for (String id : Installed.builtinIds()) {
            String origin = registry.origin(id).orElse("");
            String replacedBy = origin.startsWith("plugin ") ? origin.substring("plugin ".length()) : null;
            builtins.add(new BuiltinRow(id, replacedBy));
        }
        return new Listing(List.copyOf(plugins.values()), builtins);
    }

    private static void print(Listing listing, PrintWriter out) {
        if (listing.plugins().isEmpty()) {
            out.println("no plugins");
        } else {
            TextTable table = new TextTable("PLUGIN", "VERSION", "STATE", "SOURCE", "PROVIDES");
            for (PluginRow row : listing.plugins()) {
                table.add(row.id(), row.version().isEmpty() ? "-" : row.version(), row.state(), row.source(),
                        row.provides().isEmpty() ? "-" : String.join(", ", row.provides()));
            }
            table.print(out);
            for (PluginRow row : listing.plugins()) {
                row.problems().forEach(problem -> out.println(row.id() + ": " + problem));
            }
        }
        out.println();
        TextTable builtins = new TextTable("BUILTIN", "STATE");
        for (BuiltinRow row : listing.builtins()) {
            builtins.add(row.id(), row.replacedBy() == null ? "active" : "replaced by plugin " + row.replacedBy());
        }
        builtins.print(out);
    }
}
