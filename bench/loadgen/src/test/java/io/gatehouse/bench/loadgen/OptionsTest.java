package io.gatehouse.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OptionsTest {

    @Test
    void encodesTheRequestOnce() {
        Options options = Options.parse("--url=http://127.0.0.1:8080/hello?a=1%202", "--rate=1000",
                "--header=Authorization:  Bearer x", "--header=X-Two: 2");
        assertEquals("GET /hello?a=1%202 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer x\r\n"
                + "X-Two: 2\r\n\r\n", new String(options.request(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void aHostHeaderReplacesTheUrlsAndABodyGetsItsLength() {
        Options options = Options.parse("--url=http://localhost", "--rate=1", "--header=host: example.com",
                "--method=POST", "--body={\"é\":1}");
        assertEquals("POST / HTTP/1.1\r\nhost: example.com\r\nContent-Length: 8\r\n\r\n{\"é\":1}",
                new String(options.request(), StandardCharsets.UTF_8));
        assertEquals(80, options.port);
    }

    @Test
    void readsDurationsAndDefaults() {
        Options options = Options.parse("--url=http://h:1/", "--rate=2.5", "--duration=1.5s", "--warmup=0",
                "--spin=50us", "--timeout=250ms");
        assertEquals(2.5, options.rate);
        assertEquals(1_500_000_000L, options.durationNanos);
        assertEquals(0, options.warmupNanos);
        assertEquals(50_000, options.spinNanos);
        assertEquals(250_000_000L, options.timeoutNanos);
        assertEquals(32, options.connections);
        assertEquals(120_000_000_000L, Options.nanos("d", "2m"));
    }

    @Test
    void saysWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--rate=1"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--url=https://h/", "--rate=1"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--url=http://h/", "--rate=0"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--url=http://h/", "--rate=1", "--rate"));
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--url=http://h/", "--rate=1", "--header=X-Bad value"));
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--url=http://h/", "--rate=1", "--duration=soon"));
    }
}
