package io.gatehouse.core.builtin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code access_log.file} must stay inside the gateway home: the lexical check behind the config error. */
class AccessLogFileTest {

    @Test
    void relativePathsInsideTheHomeAreAccepted() {
        for (String file : new String[] {"access.log", "logs/access.log", "logs/../access.log", "logs/./a/b.log",
                "logs/../logs/access.log", "..log", "logs/..hidden", "var/log/x.log"}) {
            assertNull(AccessLogFilter.fileProblem(file), file);
        }
    }

    @Test
    void absolutePathsAndPathsLeadingOutAreRefusedNamingThePath() {
        for (String file : new String[] {"/tmp/x.log", "/etc/passwd", "../victim.txt", "..", "a/../../x",
                "logs/../../x", "./../x", "logs/../..", "//x"}) {
            String problem = AccessLogFilter.fileProblem(file);
            assertTrue(problem != null && problem.startsWith("must be a path inside the gateway home")
                    && problem.endsWith("(got " + file + ")"), file + ": " + problem);
        }
    }

    @Test
    void emptyNulAndTheHomeItselfAreRefused() {
        for (String file : new String[] {"", " ", ".", "logs/..", "./", "a\0b"}) {
            assertTrue(AccessLogFilter.fileProblem(file) != null, file);
        }
        assertTrue(AccessLogFilter.fileProblem("a\0b").contains("(got a\\0b)"), "the NUL is shown, not written");
    }

    @Test
    void theConfigPluginAndScriptFoldersAndTheAuditLogAreRefused() {
        for (String file : new String[] {"conf/gatehouse.yaml", "plugins/x.jar", "scripts/add.js",
                "logs/../conf/gatehouse.yaml", "logs/audit.log", "logs/./audit.log", "conf"}) {
            assertTrue(AccessLogFilter.fileProblem(file) != null, file);
        }
        assertNull(AccessLogFilter.fileProblem("logs/conf/access.log"));
        assertNull(AccessLogFilter.fileProblem("logs/audit.log.access"));
    }
}
