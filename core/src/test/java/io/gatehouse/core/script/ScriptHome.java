package io.gatehouse.core.script;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.testing.GatewayFixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;

import static io.gatehouse.core.testing.EchoRoutes.JSON;

/** A temp gateway home whose scripts/ holds the shipped examples plus what a test writes. */
final class ScriptHome {

    static final Duration DEADLINE = Duration.ofSeconds(15);

    private ScriptHome() {
    }

    static Path create() throws IOException {
        Path home = Files.createTempDirectory("gatehouse-scripts");
        Path examples = Path.of("..", "scripts", "examples");
        Path target = Files.createDirectories(home.resolve("scripts/examples"));
        try (Stream<Path> files = Files.walk(examples)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.equals(examples)) {
                    Files.copy(file, target.resolve(examples.relativize(file).toString()));
                }
            }
        }
        return home;
    }

    /** Writes a script the way editors save: a temp file renamed over the old one. */
    static void write(Path home, String name, String text) {
        try {
            Path file = home.resolve("scripts").resolve(name);
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(temp, text);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A condition to wait for; one that throws (a request not answered yet) does not hold yet. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    static void await(String what, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static boolean holds(Condition condition) throws InterruptedException {
        try {
            return condition.holds();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return false;
        }
    }

    /** The admin API's view of one script ({@code GET /scripts}). */
    static JsonNode status(GatewayFixture gateway, String name) throws Exception {
        for (JsonNode script : JSON.readTree(gateway.admin("/scripts").body()).get("scripts")) {
            if (script.get("name").asText().equals(name)) {
                return script;
            }
        }
        throw new AssertionError("no status for " + name);
    }

    /** A script that proceeds and tags the response with {@code X-Script-Version: n}. */
    static String versioned(int n) {
        return """
                export function filter(exchange, chain) {
                    const response = chain.proceed(exchange);
                    response.headers.set('X-Script-Version', '%d');
                    return response;
                }
                """.formatted(n);
    }

    /** @return {@code status/version} of a GET, the version from {@code X-Script-Version} ({@code -} if none) */
    static String served(GatewayFixture gateway, String path) throws Exception {
        HttpResponse<String> response = gateway.get(path);
        return response.statusCode() + "/" + response.headers().firstValue("X-Script-Version").orElse("-");
    }
}
