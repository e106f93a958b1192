package io.gatehouse.core.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;

/**
 * Debian's headless chromium, driven by Debian's chromedriver (packages {@code chromium} and
 * {@code chromium-driver}) through Selenium. Both binaries are given to Selenium explicitly, so Selenium Manager
 * never runs and nothing is downloaded. Missing, they skip the test, except under CI ({@code CI=true|1}, which
 * {@code .ci/run} sets), where they fail it: there {@code distribution/dev/test} has installed them.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Generous: a page that polls every few seconds, on a machine shared with other builds. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final Path profile;
    private final List<LogEntry> console = new ArrayList<>();

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser with a fresh profile, recording the page's console at every level. */
    public static HeadlessChromium start() throws IOException {
        require(BROWSER, "chromium");
        require(DRIVER, "chromium-driver");
        Path profile = Files.createTempDirectory("gatehouse-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--window-size=1400,1800", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--user-data-dir=" + profile);
        if ("root".equals(System.getProperty("user.name"))) {
            options.addArguments("--no-sandbox"); // chromium refuses to run as root with its sandbox
        }
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    private static void require(Path binary, String debianPackage) {
        require(binary, debianPackage, System.getenv("CI"));
    }

    /**
     * @throws AssertionError if {@code binary} is missing and {@code ci} is {@code true} or {@code 1}
     * @throws org.opentest4j.TestAbortedException if it is missing otherwise (the test is skipped)
     */
    static void require(Path binary, String debianPackage, String ci) {
        if (Files.isExecutable(binary)) {
            return;
        }
        String missing = binary + " is missing: install the Debian package " + debianPackage
                + " (distribution/dev/test does when run as root)";
        if ("true".equalsIgnoreCase(ci) || "1".equals(ci)) {
            throw new AssertionError(missing + "; CI is set, so this fails instead of skipping");
        }
        Assumptions.abort(missing + "; skipping");
    }

    /** @return the driver, for what the helpers here do not cover */
    public ChromeDriver driver() {
        return driver;
    }

    /** Waits (30 s at most) until {@code condition} holds, ignoring elements the page replaced meanwhile. */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, DEADLINE).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** @return the first element matching {@code css}, once there is one */
    public WebElement await(String css) {
        return await(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    /** Waits until an element matching {@code css} reads {@code text}. */
    public void awaitText(String css, String text) {
        awaitText(css, text::equals);
    }

    /**
     * Waits until an element matching {@code css} has a text {@code test} accepts. The elements are looked up
     * again each time: a page that redraws (the dashboard, every poll) replaces those found before.
     */
    public void awaitText(String css, Predicate<String> test) {
        List<String> seen = new ArrayList<>();
        new WebDriverWait(driver, DEADLINE).withMessage(() -> css + " never read as expected; last: " + seen)
                .ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    seen.clear();
                    d.findElements(By.cssSelector(css)).forEach(element -> seen.add(element.getText()));
                    return seen.stream().anyMatch(test);
                });
    }

    /** Clicks the element with this id. */
    public void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    /** @return every console entry the page has logged since the browser started (kept across calls) */
    public List<LogEntry> console() {
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return List.copyOf(console);
    }

    /** Forgets the console entries read so far. */
    public void clearConsole() {
        console();
        console.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
