package io.gatehouse.core.script;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A script and every module it imports, read from {@code scripts/} at once: the snapshot a version serves
 * ({@link ModuleFiles}) and what a save must reload. Imports are found in the text ({@code import ... from '...'},
 * {@code import '...'}, {@code export ... from '...'} and {@code import('...')} with a literal); a specifier is
 * relative ({@code ./x.js}, {@code ../lib/x.js}) to the importing file, or rooted at {@code scripts/}
 * ({@code /lib/x.js} or {@code lib/x.js}). A module outside {@code scripts/} (by {@code ..} or a symlink), a
 * missing one and a cycle of static imports are load errors naming the import chain.
 */
final class ModuleGraph {

    private static final Pattern STATIC = Pattern.compile(
            "(?m)^[ \\t]*(?:import|export)\\s+(?:[^'\";]*?\\s+from\\s*)?(['\"])([^'\"\\n]+)\\1");
    private static final Pattern DYNAMIC = Pattern.compile("\\bimport\\(\\s*(['\"])([^'\"\\n]+)\\1\\s*\\)");

    /** Every file read (name relative to scripts/ → text), the script first; and names looked for but missing. */
    record Snapshot(Map<String, String> files, Set<String> names) {
    }

    /** A module graph that cannot load; {@code names} are the files it involves (a save of one retries). */
    static final class Problem extends Exception {
        final Set<String> names;

        Problem(String message, Set<String> names) {
            super(message, null, false, false);
            this.names = Set.copyOf(names);
        }
    }

    private final Path folder;
    private final Path realFolder;
    private final Map<String, String> files = new LinkedHashMap<>();
    private final Set<String> names = new LinkedHashSet<>();
    private final Set<String> done = new LinkedHashSet<>();

    private ModuleGraph(Path folder) throws IOException {
        this.folder = folder;
        this.realFolder = Files.exists(folder) ? folder.toRealPath() : folder;
    }

    /**
     * @param name the script, relative to {@code folder}
     * @throws NoSuchFileException when the script itself does not exist
     * @throws Problem             when an import cannot be followed
     */
    static Snapshot read(Path folder, String name) throws IOException, Problem {
        ModuleGraph graph = new ModuleGraph(folder);
        graph.names.add(name);
        graph.files.put(name, graph.text(name, null));
        graph.visit(name, new ArrayList<>());
        return new Snapshot(Map.copyOf(graph.files), Set.copyOf(graph.names));
    }

    private void visit(String name, List<String> chain) throws IOException, Problem {
        chain.add(name);
        String text = files.get(name);
        for (Import anImport : imports(text)) {
            if (anImport.dynamic) {
                dynamic(name, anImport, chain);
                continue;
            }
            String target = resolve(name, anImport, chain);
            names.add(target);
            if (chain.contains(target)) {
                List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(target), chain.size()));
                cycle.add(target);
                throw problem(name, anImport, "import cycle: " + String.join(" -> ", cycle)
                        + " (move what both need into a module of its own)", chain);
            }
            if (!files.containsKey(target)) {
                files.put(target, text(target, () -> problem(name, anImport, "cannot import '" + anImport.specifier
                        + "': scripts/" + target + " does not exist", chain)));
            }
            if (!done.contains(target)) {
                visit(target, chain);
            }
        }
        chain.remove(chain.size() - 1);
        done.add(name);
    }

    /**
     * A literal {@code import('...')} runs when the code reaches it, if ever: its module is in the snapshot when
     * it can be, and when it cannot the import fails then, as the engine reports it.
     */
    private void dynamic(String from, Import anImport, List<String> chain) throws IOException {
        try {
            String target = resolve(from, anImport, chain);
            names.add(target);
            if (!files.containsKey(target)) {
                files.put(target, text(target, () -> new Problem("missing", Set.of())));
                visit(target, new ArrayList<>(List.of(target)));
            }
        } catch (Problem e) {
            // left to the engine
        }
    }

    private String resolve(String from, Import anImport, List<String> chain) throws Problem {
        String spec = anImport.specifier;
        Path relative = spec.startsWith("./") || spec.startsWith("../")
                ? Path.of(from).resolveSibling(spec) : Path.of(spec.startsWith("/") ? spec.substring(1) : spec);
        Path normal = relative.normalize();
        if (normal.getNameCount() == 0 || normal.startsWith("..") || normal.isAbsolute()) {
            throw problem(from, anImport, "cannot import '" + spec + "': modules come from scripts/ only", chain);
        }
        return normal.toString().replace('\\', '/');
    }

    @FunctionalInterface
    private interface Missing {
        Problem problem();
    }

    private String text(String name, Missing missing) throws IOException, Problem {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            if (missing == null) {
                throw new NoSuchFileException(file.toString());
            }
            throw missing.problem();
        }
        if (!file.toRealPath().startsWith(realFolder)) {
            throw new Problem("scripts/" + name + " is a link to a file outside scripts/, which scripts cannot use",
                    names);
        }
        return Files.readString(file);
    }

    private Problem problem(String from, Import anImport, String what, List<String> chain) {
        List<String> path = new ArrayList<>(chain);
        String via = path.size() > 1 ? " (import chain: " + String.join(" -> ", path) + ")" : "";
        return new Problem("scripts/" + from + ":" + anImport.line + ":" + anImport.column + ": " + what + via, names);
    }

    private record Import(String specifier, boolean dynamic, int line, int column) {
    }

    private static List<Import> imports(String text) {
        List<Import> found = new ArrayList<>();
        collect(text, STATIC.matcher(text), false, found);
        collect(text, DYNAMIC.matcher(text), true, found);
        return found;
    }

    private static void collect(String text, Matcher m, boolean dynamic, List<Import> found) {
        while (m.find()) {
            int at = m.start(2) - 1;
            int lineStart = text.lastIndexOf('\n', at) + 1;
            int line = 1;
            for (int i = 0; i < lineStart; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            found.add(new Import(m.group(2), dynamic, line, at - lineStart + 1));
        }
    }
}
