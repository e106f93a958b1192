package io.gatehouse.core.cli;

import io.gatehouse.core.script.ScriptTests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gatehouse script test [FILE...]}: the scripts' *.test.js files, in the scripts' sandbox, as TAP. */
@Command(name = "test", description = {"Run *.test.js files (all of those under <home>/scripts/, or the FILEs given) "
        + "in the sandbox scripts run in, with fakes for the exchange, the chain and upstreams: no gateway, no "
        + "network. Prints a TAP report; exit code 1 when a test fails or a file does not load. log.* and "
        + "console.* of the tests go to stderr."})
final class ScriptTestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", description = Home.OPTION_HELP)
    Path home;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Test files under <home>/scripts/, or folders "
            + "there to run every *.test.js of (default: <home>/scripts/).")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        Path scripts = Home.resolve(home).resolve("scripts");
        List<Path> tests = new ArrayList<>(files == null || files.isEmpty() ? ScriptTests.find(scripts) : List.of());
        for (Path given : files == null ? List.<Path>of() : files) {
            tests.addAll(Files.isDirectory(given) ? ScriptTests.find(given) : List.of(given));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (tests.isEmpty()) {
            spec.commandLine().getErr().println("no *.test.js files in " + (files == null || files.isEmpty()
                    ? scripts : files));
            return GatehouseCommand.PROBLEMS;
        }
        PrintWriter err = spec.commandLine().getErr();
        OutputStream log = new OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                err.write(new String(b, off, len, StandardCharsets.UTF_8));
                err.flush();
            }
        };
        ScriptTests.Report report = ScriptTests.run(scripts, tests, log);
        out.print(report.tap());
        out.flush();
        return report.ok() ? GatehouseCommand.OK : GatehouseCommand.PROBLEMS;
    }
}
