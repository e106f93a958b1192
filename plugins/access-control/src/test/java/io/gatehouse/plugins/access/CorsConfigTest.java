package io.gatehouse.plugins.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code allow_origins} entries admit, and every config problem {@code filter.cors} reports. */
class CorsConfigTest {

    private final CorsFilterFactory factory = new CorsFilterFactory();

    record Origin(String pattern, String origin, boolean admitted) {
        @Override
        public String toString() {
            return origin + (admitted ? " matches " : " does not match ") + pattern;
        }
    }

    static List<Origin> origins() {
        String exact = "https://app.example.com";
        String wildcard = "https://*.example.com";
        return List.of(
                new Origin(exact, "https://app.example.com", true),
                new Origin(exact, "HTTPS://App.Example.COM", true),
                new Origin(exact, "http://app.example.com", false),
                new Origin(exact, "https://app.example.com:8443", false),
                new Origin(exact, "https://app.example.com.evil.org", false),
                new Origin(exact, "https://evil-app.example.com", false),
                new Origin(exact, "https://app.example.co", false),
                new Origin(exact, "https://app.example.com/", false),
                new Origin(exact, "null", false),
                new Origin(wildcard, "https://a.example.com", true),
                new Origin(wildcard, "https://a.b.example.com", true),
                new Origin(wildcard, "https://A.Example.com", true),
                new Origin(wildcard, "https://xn--bcher-kva.example.com", true),
                new Origin(wildcard, "https://example.com", false),
                new Origin(wildcard, "https://.example.com", false),
                new Origin(wildcard, "https://a..example.com", false),
                new Origin(wildcard, "https://evil-example.com", false),
                new Origin(wildcard, "https://example.com.evil.org", false),
                new Origin(wildcard, "https://a.example.com.evil.org", false),
                new Origin(wildcard, "https://evilexample.com", false),
                new Origin(wildcard, "http://a.example.com", false),
                new Origin(wildcard, "wss://a.example.com", false),
                new Origin(wildcard, "https://a.example.com:8443", false),
                new Origin(wildcard, "https://evil.org/.example.com", false),
                new Origin(wildcard, "https://evil.org?.example.com", false),
                new Origin(wildcard, "https://evil.org#.example.com", false),
                new Origin(wildcard, "https://user@a.example.com", false),
                new Origin(wildcard, "https://evil.org:1@a.example.com", false),
                new Origin(wildcard, "https://-a.example.com", false),
                new Origin(wildcard, "https://a_b.example.com", false),
                new Origin(wildcard, "https://a b.example.com", false),
                new Origin(wildcard, "null", false),
                new Origin("https://*.example.com:8443", "https://a.example.com:8443", true),
                new Origin("https://*.example.com:8443", "https://a.example.com", false),
                new Origin("https://*.example.com:8443", "https://a.example.com:84430", false),
                new Origin("http://localhost:3000", "http://localhost:3000", true),
                new Origin("http://localhost:3000", "http://localhost:3001", false),
                new Origin("http://[::1]:8080", "http://[::1]:8080", true),
                new Origin("http://127.0.0.1:8080", "http://127.0.0.1:8080", true));
    }

    @ParameterizedTest
    @MethodSource("origins")
    void anOriginIsAdmittedOnlyByAnExactOrWholeLabelMatch(Origin c) {
        assertEquals(c.admitted(), OriginPattern.parse(c.pattern()).matches(c.origin()));
    }

    private static CorsConfig allowing(String... origins) {
        return new CorsConfig(List.of(origins), null, null, null, false, null);
    }

    record Invalid(String desc, CorsConfig config, List<String> paths, String says) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static List<Invalid> invalidConfigs() {
        return List.of(
                new Invalid("no origins", allowing(), List.of("allow_origins"), "at least one origin"),
                new Invalid("the seed's * with credentials",
                        new CorsConfig(List.of("*"), null, null, null, true, null), List.of("allow_origins[0]"),
                        "\"*\" cannot be combined with allow_credentials: true"),
                new Invalid("* beside names", allowing("https://a.example.com", "*"), List.of("allow_origins"),
                        "give it alone"),
                new Invalid("the null origin", allowing("null"), List.of("allow_origins[0]"), "sandboxed"),
                new Invalid("a trailing slash", allowing("https://app.example.com/"), List.of("allow_origins[0]"),
                        "write https://app.example.com"),
                new Invalid("a path", allowing("https://app.example.com/app"), List.of("allow_origins[0]"),
                        "no path"),
                new Invalid("a query", allowing("https://app.example.com?x=1"), List.of("allow_origins[0]"),
                        "no path, query"),
                new Invalid("user info", allowing("https://u@app.example.com"), List.of("allow_origins[0]"),
                        "is not an origin"),
                new Invalid("no scheme", allowing("app.example.com"), List.of("allow_origins[0]"),
                        "scheme://host[:port]"),
                new Invalid("a wildcard without a scheme", allowing("*.example.com"), List.of("allow_origins[0]"),
                        "scheme://host[:port]"),
                new Invalid("a wildcard over a top-level domain", allowing("https://*.com"),
                        List.of("allow_origins[0]"), "every site under .com"),
                new Invalid("a wildcard in the middle", allowing("https://app.*.example.com"),
                        List.of("allow_origins[0]"), "leftmost labels"),
                new Invalid("a wildcard inside a label", allowing("https://*example.com"), List.of("allow_origins[0]"),
                        "leftmost labels"),
                new Invalid("two wildcards", allowing("https://*.*.example.com"), List.of("allow_origins[0]"),
                        "invalid host"),
                new Invalid("the default port", allowing("https://app.example.com:443"), List.of("allow_origins[0]"),
                        "write https://app.example.com"),
                new Invalid("port 0", allowing("http://app.example.com:0"), List.of("allow_origins[0]"),
                        "invalid port"),
                new Invalid("a port too high", allowing("http://app.example.com:65536"), List.of("allow_origins[0]"),
                        "invalid port"),
                new Invalid("a bad host", allowing("https://app_1.example.com"), List.of("allow_origins[0]"),
                        "invalid host"),
                new Invalid("each bad origin with its index",
                        allowing("https://ok.example.com", "ftp//x", "https://ok2.example.com", "https://x.com/"),
                        List.of("allow_origins[1]", "allow_origins[3]"), "is not an origin"),
                new Invalid("a bad method", new CorsConfig(List.of("https://a.example.com"), List.of("GET", "GET POST"),
                        null, null, false, null), List.of("allow_methods[1]"), "not a valid method"),
                new Invalid("* beside methods", new CorsConfig(List.of("https://a.example.com"), List.of("*", "GET"),
                        null, null, false, null), List.of("allow_methods"), "give it alone"),
                new Invalid("a bad header", new CorsConfig(List.of("https://a.example.com"), null,
                        List.of("X-Ok", "X: Bad"), null, false, null), List.of("allow_headers[1]"),
                        "not a valid header name"),
                new Invalid("a bad exposed header", new CorsConfig(List.of("https://a.example.com"), null, null,
                        List.of("X(1)"), false, null), List.of("expose_headers[0]"), "not a valid header name"),
                new Invalid("expose * with credentials", new CorsConfig(List.of("https://a.example.com"), null, null,
                        List.of("*"), true, null), List.of("expose_headers"), "no wildcard on a credentialed request"),
                new Invalid("a negative max_age", new CorsConfig(List.of("https://a.example.com"), null, null, null,
                        false, Duration.ofSeconds(-1)), List.of("max_age"), "must not be negative"));
    }

    @ParameterizedTest
    @MethodSource("invalidConfigs")
    void reportsEveryProblemWithItsPath(Invalid c) {
        List<String> problems = Configs.problems(factory, c.config());
        assertEquals(c.paths(), Configs.problemPaths(factory, c.config()), problems.toString());
        assertTrue(problems.getFirst().contains(c.says()), problems.toString());
    }

    @Test
    void validConfigsReportNothing() {
        for (CorsConfig config : List.of(
                allowing("*"),
                allowing("https://app.example.com", "https://*.example.com", "http://localhost:3000",
                        "http://[::1]:8080", "chrome-extension://abcdefghijklmnop"),
                new CorsConfig(List.of("https://*.example.com:8443"), List.of("*"), List.of("*"), List.of("X-Id"),
                        true, Duration.ofMinutes(10)),
                new CorsConfig(List.of("*"), List.of("PATCH"), List.of("Content-Type"), List.of("*"), false,
                        Duration.ZERO))) {
            assertEquals(List.of(), Configs.problems(factory, config), config.toString());
        }
    }

    @Test
    void theDefaultsAreTheSafelistedMethodsAndNothingElse() {
        CorsConfig config = allowing("https://a.example.com");
        assertEquals(List.of("GET", "HEAD", "POST"), config.allowMethods());
        assertEquals(List.of(), config.allowHeaders());
        assertEquals(List.of(), config.exposeHeaders());
        assertEquals(false, config.allowCredentials());
        assertEquals(null, config.maxAge());
        assertEquals("filter.cors", factory.id());
    }
}
