package io.gatehouse.bench.loadgen;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line, {@code --key=value} arguments only (a repeated key such as {@code --header} adds one more).
 * {@link #parse} throws {@link IllegalArgumentException} with a message fit for the user.
 */
final class Options {

    static final String USAGE = """
            usage: java -jar loadgen.jar --url=http://HOST:PORT/PATH --rate=REQUESTS_PER_S [options]
              --duration=20s        measured time (also 500ms, 2m, or plain seconds)
              --warmup=5s           sent at the same rate before, not recorded (0 for none)
              --connections=32      keep-alive connections, one request in flight on each
              --header='Name: v'    an extra request header (repeatable)
              --method=GET          request method; --body=TEXT sends a body (Content-Length)
              --timeout=10s         connect and response timeout; a timeout counts an error and reconnects
              --threads=platform    platform or virtual: what each connection's thread is
              --spin=0us            busy-wait this long before each intended send time instead of sleeping
              --timer-slack=1us     Linux timer slack for the connection threads (0: the kernel's default, 50us)
              --cpu=NAME=PID[,PID]  also report the CPU time per response of these processes, summed (repeatable;
                                    e.g. nginx's workers: --cpu=nginx=$(pgrep -d, -P MASTER_PID))""";

    URI url;
    String host;
    int port;
    double rate;
    long durationNanos = 20_000_000_000L;
    long warmupNanos = 5_000_000_000L;
    int connections = 32;
    String method = "GET";
    String body;
    final List<String> headers = new ArrayList<>();
    long timeoutNanos = 10_000_000_000L;
    boolean virtualThreads;
    long spinNanos;
    long timerSlackNanos = 1_000;
    /** --cpu: a name and the processes whose CPU time, summed, it stands for. */
    final Map<String, List<Long>> cpu = new LinkedHashMap<>();

    static Options parse(String... args) {
        Options options = new Options();
        String url = null;
        String rate = null;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("arguments are --key=value, got " + arg);
            }
            String key = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (key) {
                case "url" -> url = value;
                case "rate" -> rate = value;
                case "duration" -> options.durationNanos = nanos(key, value);
                case "warmup" -> options.warmupNanos = nanos(key, value);
                case "connections" -> options.connections = positiveInt(key, value);
                case "method" -> options.method = token(key, value);
                case "body" -> options.body = value;
                case "header" -> options.headers.add(header(value));
                case "timeout" -> options.timeoutNanos = nanos(key, value);
                case "threads" -> options.virtualThreads = switch (value) {
                    case "platform" -> false;
                    case "virtual" -> true;
                    default -> throw new IllegalArgumentException("--threads is platform or virtual, got " + value);
                };
                case "spin" -> options.spinNanos = nanos(key, value);
                case "timer-slack" -> options.timerSlackNanos = nanos(key, value);
                case "cpu" -> {
                    int at = value.indexOf('=');
                    if (at < 1) {
                        throw new IllegalArgumentException("--cpu takes NAME=PID[,PID...], got " + value);
                    }
                    List<Long> pids = new ArrayList<>();
                    for (String pid : value.substring(at + 1).split(",")) {
                        pids.add((long) positiveInt(key, pid.trim()));
                    }
                    options.cpu.put(value.substring(0, at), pids);
                }
                default -> throw new IllegalArgumentException("unknown option --" + key);
            }
        }
        if (url == null || rate == null) {
            throw new IllegalArgumentException("--url and --rate are required");
        }
        options.url(url);
        try {
            options.rate = Double.parseDouble(rate);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rate is requests per second, got " + rate);
        }
        if (!(options.rate > 0) || Double.isInfinite(options.rate)) {
            throw new IllegalArgumentException("--rate must be positive, got " + rate);
        }
        if (options.durationNanos <= 0 || options.timeoutNanos < 1_000_000) {
            throw new IllegalArgumentException("--duration must be positive, --timeout at least 1ms");
        }
        return options;
    }

    private void url(String value) {
        try {
            url = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + value);
        }
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("--url must be http://HOST[:PORT]/PATH (no TLS), got " + value);
        }
        host = url.getHost();
        port = url.getPort() < 0 ? 80 : url.getPort();
    }

    /**
     * The request every connection sends, encoded once: request line, {@code Host} (unless a {@code --header}
     * gives one), the {@code --header}s, {@code Content-Length} when there is a body.
     */
    byte[] request() {
        String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            target += "?" + url.getRawQuery();
        }
        StringBuilder head = new StringBuilder().append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (String header : headers) {
            host |= header.regionMatches(true, 0, "host:", 0, 5);
        }
        if (!host) {
            head.append("Host: ").append(url.getRawAuthority()).append("\r\n");
        }
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, request, headBytes.length, bodyBytes.length);
        return request;
    }

    /** {@code 20s}, {@code 1.5s}, {@code 500ms}, {@code 50us}, {@code 2m}, or a plain number of seconds. */
    static long nanos(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        double unit = 1e9;
        if (v.endsWith("ms")) {
            unit = 1e6;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            unit = 1e3;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            unit = 60e9;
            v = v.substring(0, v.length() - 1);
        }
        try {
            double amount = Double.parseDouble(v);
            if (amount >= 0 && !Double.isInfinite(amount)) {
                return Math.round(amount * unit);
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--" + key + " is a duration such as 20s or 500ms, got " + value);
    }

    private static int positiveInt(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--" + key + " must be a positive integer, got " + value);
    }

    private static String token(String key, String value) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new IllegalArgumentException("--" + key + " must be an HTTP token, got " + value);
        }
        return value;
    }

    private static String header(String value) {
        int colon = value.indexOf(':');
        if (colon < 1 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("--header takes 'Name: value' on one line, got " + value);
        }
        token("header name", value.substring(0, colon));
        return value.substring(0, colon) + ": " + value.substring(colon + 1).trim();
    }
}
