package io.gatehouse.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gatehouse version}: Gatehouse, plugin-api, Helidon, GraalVM and JDK versions, read at run time. */
@Command(name = "version", description = {"Print the versions of Gatehouse, the plugin API (what a plugin's "
        + "Plugin-Requires is compared with), Helidon, GraalVM (polyglot) and the JDK, each read at run time from "
        + "the JARs actually loaded. The first line is what --version prints."})
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON object instead.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, String> versions = new LinkedHashMap<>();
        Versions.all().forEach(part -> versions.put(part.name(), part.version()));
        return Output.print(spec, json, versions, (all, out) -> all.forEach((name, version) ->
                out.println(new Versions.Part(name, version))));
    }
}
