package io.gatehouse.core.script;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scripts import modules from scripts/ and nothing else; a graph that cannot load names its chain. */
class ScriptModulesTest {

    private Path home;
    private Path outside;
    private ScriptHost host;

    @BeforeEach
    void start() throws Exception {
        home = Files.createTempDirectory("gatehouse-modules");
        outside = Files.createTempDirectory("gatehouse-outside");
        Files.writeString(outside.resolve("secret.js"), "export const secret = 'leaked';\n");
        write("lib/tag.js", "export const tag = 'T';\nexport { more } from './more.js';\n");
        write("lib/more.js", "export const more = 'M';\n");
        host = ScriptHost.startToCheck(home.resolve("scripts"));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private void write(String name, String text) throws Exception {
        Path file = home.resolve("scripts").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A script that imports as told and throws at load when the imports gave the wrong values. */
    private static String importing(String imports, String check) {
        return imports + "\nif (!(" + check + ")) { throw new Error('wrong import'); }\n"
                + "export function filter(exchange, chain) { return chain.proceed(exchange); }\n";
    }

    @Test
    void relativeAndScriptsRootedSpecifiersImport() throws Exception {
        write("a.js", importing("import { tag, more } from './lib/tag.js';", "tag === 'T' && more === 'M'"));
        write("filters/b.js", importing("import { tag } from '../lib/tag.js';\nimport { more } from '/lib/more.js';\n"
                + "import * as bare from 'lib/tag.js';", "tag === 'T' && more === 'M' && bare.tag === 'T'"));
        write("filters/c.js", importing("const { tag } = await import('../lib/tag.js');", "tag === 'T'"));
        assertNotNull(host.resolve("a.js").current());
        assertNotNull(host.resolve("filters/b.js").current());
        assertNotNull(host.resolve("filters/c.js").current());
    }

    /** A script's import and the load error it must give. */
    record Refused(String desc, String script, String error) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Refused> refusals() {
        return Stream.of(
                new Refused("out of scripts/ by ..", "import { secret } from '../../outside/secret.js';",
                        "scripts/x.js:1:24: cannot import '../../outside/secret.js': modules come from scripts/ only"),
                new Refused("an absolute path is rooted at scripts/", "import '/etc/passwd';",
                        "scripts/x.js:1:8: cannot import '/etc/passwd': scripts/etc/passwd does not exist"),
                new Refused("a Node module", "import fs from 'fs';",
                        "scripts/x.js:1:16: cannot import 'fs': scripts/fs does not exist"),
                new Refused("a missing module names the chain", "import { gone } from './lib/uses-gone.js';",
                        "scripts/lib/uses-gone.js:1:22: cannot import './gone.js': scripts/lib/gone.js does not exist "
                                + "(import chain: x.js -> lib/uses-gone.js)"),
                new Refused("a cycle names the chain", "import { a } from './lib/cycle-a.js';",
                        "scripts/lib/cycle-b.js:1:19: import cycle: lib/cycle-a.js -> lib/cycle-b.js -> lib/cycle-a.js "
                                + "(move what both need into a module of its own) "
                                + "(import chain: x.js -> lib/cycle-a.js -> lib/cycle-b.js)"),
                new Refused("a computed import out of scripts/ finds nothing", "await import(['..', '..', 'outside', 'secret.js'].join('/'));",
                        "scripts/x.js:1:7: error while loading: Error: Cannot find module '/outside/secret.js' imported from /x.js"),
                new Refused("an error in a module is placed there", "import './lib/throws.js';",
                        "scripts/lib/throws.js:2:7: error while loading: Error: from a module"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void anImportThatCannotLoadIsALoadError(Refused refused) throws Exception {
        Files.move(outside, home.resolve("outside"));
        write("lib/uses-gone.js", "import { gone } from './gone.js';\nexport const x = gone;\n");
        write("lib/cycle-a.js", "import { b } from './cycle-b.js';\nexport const a = 1;\n");
        write("lib/cycle-b.js", "import { a } from './cycle-a.js';\nexport const b = 2;\n");
        write("lib/throws.js", "export const x = 1;\nthrow new Error('from a module');\n");
        write("x.js", importing(refused.script(), "true"));
        ScriptLoadException e = assertThrows(ScriptLoadException.class, () -> host.resolve("x.js"));
        assertTrue(e.getMessage().contains(refused.error()), e.getMessage());
    }

    @Test
    void aSymlinkOutOfScriptsIsRefused() throws Exception {
        Files.createSymbolicLink(home.resolve("scripts/lib/secret.js"), outside.resolve("secret.js"));
        Files.createSymbolicLink(home.resolve("scripts/elsewhere"), outside);
        write("x.js", importing("import { secret } from './lib/secret.js';", "true"));
        write("y.js", importing("import { secret } from './elsewhere/secret.js';", "true"));
        ScriptLoadException file = assertThrows(ScriptLoadException.class, () -> host.resolve("x.js"));
        assertEquals("scripts/lib/secret.js is a link to a file outside scripts/, which scripts cannot use",
                file.getMessage());
        ScriptLoadException folder = assertThrows(ScriptLoadException.class, () -> host.resolve("y.js"));
        assertEquals("scripts/elsewhere/secret.js is a link to a file outside scripts/, which scripts cannot use",
                folder.getMessage());
    }

    @Test
    void aLiteralFetchInAnImportedModuleIsCheckedWithItsPlace() throws Exception {
        write("lib/billing.js", "export function invoices(exchange) {\n"
                + "    return exchange.upstreams.fetch('billing', { path: '/invoices' });\n}\n");
        write("x.js", importing("import { invoices } from './lib/billing.js';", "true"));
        ScriptHost.Script script = host.resolve("x.js");
        assertEquals("scripts/lib/billing.js:2:38: fetches upstream 'billing', which is not in the config (known: users)",
                ScriptHost.unknownFetch(script.fetches(), java.util.Set.of("users")));
        assertEquals(null, ScriptHost.unknownFetch(script.fetches(), java.util.Set.of("users", "billing")));
    }

    @Test
    void aSymlinkWithinScriptsImports() throws Exception {
        Files.createSymbolicLink(home.resolve("scripts/lib/alias.js"), home.resolve("scripts/lib/more.js"));
        write("x.js", importing("import { more } from './lib/alias.js';", "more === 'M'"));
        assertNotNull(host.resolve("x.js").current());
    }
}
