package io.gatehouse.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gatehouse routes FILE}: the route table in the order the router tries it. */
@Command(name = "routes", description = {"Print the route table of a config as the router sees it, in match "
        + "precedence order: path (static segment before :param before *catchall, segment by segment), then host "
        + "(exact, then the longest wildcard suffix, then any), then config order. A route is listed once per host "
        + "pattern. A route whose method or header/query predicates do not hold is skipped and the next one tried.",
        "The config is checked first, as by `gatehouse check`; if it has problems they are printed on stderr."},
        footer = {"", "Exit codes: 0 printed, 1 the config has problems, 2 usage error."})
final class RoutesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOptions config;

    @Option(names = "--json", description = "Print a JSON array of the entries instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ConfigCheck check = config.check();
        if (!check.ok()) {
            PrintWriter err = spec.commandLine().getErr();
            check.lines().forEach(err::println);
            err.flush();
            return GatehouseCommand.PROBLEMS;
        }
        return Output.print(spec, json, RoutePrecedence.of(check.loaded().config()), (entries, out) -> {
            if (entries.isEmpty()) {
                out.println("no routes");
            } else {
                table(entries).print(out);
            }
        });
    }

    private static TextTable table(List<RoutePrecedence.Entry> entries) {
        TextTable table = new TextTable("#", "ID", "HOST", "METHODS", "PATH", "PREDICATES", "UPSTREAM", "FILTERS");
        for (RoutePrecedence.Entry e : entries) {
            table.add(Integer.toString(e.precedence()), e.id(), e.host(),
                    e.methods().isEmpty() ? "*" : String.join(",", e.methods()), e.path(),
                    predicates(e.headers(), e.query()), e.upstream(),
                    e.filters().isEmpty() ? "-" : String.join(",", e.filters()));
        }
        return table;
    }

    private static String predicates(Map<String, String> headers, Map<String, String> query) {
        List<String> all = new ArrayList<>();
        headers.forEach((name, value) -> all.add("header:" + name + "=" + value));
        query.forEach((name, value) -> all.add("query:" + name + "=" + value));
        return all.isEmpty() ? "-" : String.join(" ", all);
    }
}
