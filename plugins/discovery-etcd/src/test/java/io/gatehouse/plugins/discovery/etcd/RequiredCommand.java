package io.gatehouse.plugins.discovery.etcd;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the binary of a real server a test runs (etcd here; Redis or nginx alike). When it is missing the test is
 * skipped, naming the Debian package to install, except under CI ({@code CI=true} or {@code CI=1}, which
 * {@code .ci/run} sets): there the README's test command has installed the package, so its absence means a broken
 * environment, and a skip would let a build pass that never ran the test.
 */
final class RequiredCommand {

    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"));

    private RequiredCommand() {
    }

    /**
     * @return the executable, looked up on {@code PATH}, then in {@code /usr/bin} and {@code /usr/sbin}
     * @throws AssertionError if it is missing under CI
     * @throws org.opentest4j.TestAbortedException if it is missing otherwise (the test is skipped)
     */
    static Path find(String command, String debianPackage) {
        Stream<Path> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(Path::of);
        return find(command, debianPackage, Stream.concat(path, SYSTEM_DIRS.stream()).toList(), System.getenv("CI"));
    }

    static Path find(String command, String debianPackage, List<Path> dirs, String ci) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String missing = command + " is not installed (looked in " + dirs + "): install the Debian package "
                + debianPackage + " (distribution/dev/test does when run as root)";
        if ("true".equalsIgnoreCase(ci) || "1".equals(ci)) {
            throw new AssertionError(missing + "; CI is set, so this fails instead of skipping");
        }
        return Assumptions.abort(missing + "; skipping");
    }
}
