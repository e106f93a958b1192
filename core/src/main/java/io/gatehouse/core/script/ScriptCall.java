package io.gatehouse.core.script;

import io.gatehouse.api.Body;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Headers;
import io.gatehouse.api.QueryString;
import io.gatehouse.api.Request;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * One run of a script's {@code filter}: the host side of the exchange, chain and fetch objects the prelude wraps,
 * plus the call's clock. Only the thread running the call touches it, except {@link #overBudget} (the watchdog)
 * and the fetch threads (see {@link ScriptFetches}). What the call took from upstreams is given back when it
 * ends ({@link #end}).
 */
public final class ScriptCall extends HeaderAccess {

    static final System.Logger LOG = System.getLogger("gatehouse.script");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int KILLED = 2;

    private final String script;
    private final GatewayExchange exchange;
    private final Chain chain;
    private final UpstreamCalls upstreams;
    private final long bodyLimit;
    private final Duration fetchTimeout;
    private final long budgetNanos;
    private final Semaphore fetchPermits;
    private final boolean quiet;          // a warm-up call: its log lines go nowhere
    private ScriptFetches fetches;        // made by the first fetch: most calls have none
    private HostResponse proceeded;       // chain.proceed runs at most once
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile long runningSince;
    private long usedNanos;
    private volatile long stalledNanos;   // handed back by the watchdog: the JVM was stopped, not the script
    private boolean ended;
    private boolean settled;
    private HostResponse response;
    private Value error;
    private boolean malformed;

    ScriptCall(String script, GatewayExchange exchange, Chain chain, UpstreamCalls upstreams, long bodyLimit,
               Duration fetchTimeout, Duration budget, Semaphore fetchPermits, boolean quiet) {
        this.script = script;
        this.exchange = exchange;
        this.chain = chain;
        this.upstreams = upstreams;
        this.bodyLimit = bodyLimit;
        this.fetchTimeout = fetchTimeout;
        this.budgetNanos = budget.toNanos();
        this.fetchPermits = fetchPermits;
        this.quiet = quiet;
    }

    // ---- the clock: only time spent in JavaScript counts against the budget ----

    void resume() {
        runningSince = System.nanoTime();
    }

    void pause() {
        long since = runningSince;
        if (since != 0) {
            usedNanos += System.nanoTime() - since;
            runningSince = 0;
        }
    }

    /** Watchdog: true (once) when the call ran JavaScript past its budget; the caller then cancels the Context. */
    boolean overBudget(long now) {
        long since = runningSince;
        return since != 0 && usedNanos + (now - since) - stalledNanos > budgetNanos
                && state.compareAndSet(RUNNING, KILLED);
    }

    /** Watchdog (its thread only): the JVM stalled for {@code nanos}; whether or not the call ran then, not its time. */
    void stalled(long nanos) {
        stalledNanos += nanos;
    }

    /** Owner: ends the call; false when the watchdog got there first (the Context is being cancelled). */
    boolean finish() {
        ended = true;
        return state.compareAndSet(RUNNING, DONE);
    }

    /**
     * Owner, after {@link #finish}: aborts the fetches still running and closes every upstream response the call
     * got except {@code kept}, the one going to the client (null when none is).
     */
    void end(HostResponse kept) {
        if (fetches != null) {
            fetches.cancel();
        }
        if (proceeded != null && proceeded != kept) {
            proceeded.close();
        }
    }

    boolean killed() {
        return state.get() == KILLED;
    }

    long budgetMillis() {
        return Duration.ofNanos(budgetNanos).toMillis();
    }

    // ---- the outcome ----

    boolean settled() {
        return settled;
    }

    HostResponse response() {
        return response;
    }

    Value error() {
        return error;
    }

    boolean malformed() {
        return malformed;
    }

    int pendingFetches() {
        return fetches == null ? 0 : fetches.pending();
    }

    /** Waits (off the clock) for the next fetch result and delivers it to the script. */
    void deliverNext() throws InterruptedException {
        pause();
        Runnable next = fetches.next();
        resume();
        next.run();
    }

    @HostAccess.Export
    public void resolved(HostResponse response) {
        if (!settled) {
            settled = true;
            this.response = response;
        }
    }

    @HostAccess.Export
    public void rejected(Value error, boolean malformed) {
        if (!settled) {
            settled = true;
            this.error = error;
            this.malformed = malformed;
        }
    }

    // ---- exchange ----

    private GatewayExchange live() {
        if (ended) {
            throw new IllegalStateException("this exchange belongs to a request that has finished; "
                    + "keep no exchange, request or response objects between calls");
        }
        return exchange;
    }

    @Override
    Headers headers() {
        return live().request().headers();
    }

    @HostAccess.Export
    public String requestId() {
        return live().requestId();
    }

    @HostAccess.Export
    public String routeId() {
        return live().routeId();
    }

    @HostAccess.Export
    public String method() {
        return live().request().method();
    }

    @HostAccess.Export
    public String path() {
        return live().request().path();
    }

    @HostAccess.Export
    public void setPath(String path) {
        live().request().path(path);
    }

    @HostAccess.Export
    public String rawQuery() {
        return live().request().rawQuery();
    }

    @HostAccess.Export
    public void setRawQuery(String rawQuery) {
        live().request().rawQuery(rawQuery.startsWith("?") ? rawQuery.substring(1) : rawQuery);
    }

    @HostAccess.Export
    public String queryGet(String name) {
        return QueryString.first(rawQuery(), name);
    }

    @HostAccess.Export
    public ProxyArray queryAll(String name) {
        return ProxyArray.fromList(new ArrayList<>(QueryString.all(rawQuery(), name)));
    }

    @HostAccess.Export
    public void querySet(String name, String value) {
        live().request().rawQuery(QueryString.set(rawQuery(), name, value));
    }

    @HostAccess.Export
    public void queryRemove(String name) {
        live().request().rawQuery(QueryString.remove(rawQuery(), name));
    }

    @HostAccess.Export
    public ProxyObject params() {
        return ProxyObject.fromMap(new HashMap<>(live().pathParams()));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CONSUMER_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @HostAccess.Export
    public String requestText() {
        Request request = live().request();
        pause();
        try {
            byte[] bytes = request.body().readAll(bodyLimit);
            request.body(Body.of(bytes));
            return new String(bytes, StandardCharsets.UTF_8);
        } finally {
            resume();
        }
    }

    @HostAccess.Export
    public String clientIp() {
        return live().clientIp();
    }

    /** @return the consumer as JSON ({@code id}, {@code credential}, {@code groups}, {@code attributes}), or null */
    @HostAccess.Export
    public String consumerJson() {
        io.gatehouse.api.Consumer consumer = live().authenticated().orElse(null);
        if (consumer == null) {
            return null;
        }
        try {
            return CONSUMER_JSON.writeValueAsString(consumer);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("consumer not serialisable", e);
        }
    }

    /** A script names the consumer: its credential kind is {@code script}. */
    @HostAccess.Export
    public void setConsumer(String id, String groupsJoined) {
        if (id == null) {
            live().consumer((String) null);
            return;
        }
        java.util.List<String> groups = groupsJoined == null || groupsJoined.isEmpty() ? java.util.List.of()
                : java.util.List.of(groupsJoined.split("\n"));
        live().authenticate(new io.gatehouse.api.Consumer(id, "script", groups, java.util.Map.of()));
    }

    @HostAccess.Export
    public Object attribute(String name) {
        Object value = live().attributes().get(name);
        return value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                ? value : String.valueOf(value);
    }

    @HostAccess.Export
    public boolean hasAttribute(String name) {
        return live().attributes().containsKey(name);
    }

    @HostAccess.Export
    public void setAttribute(String name, Value value) {
        Object java;
        if (value.isNull()) {
            java = null;
        } else if (value.isString()) {
            java = value.asString();
        } else if (value.isBoolean()) {
            java = value.asBoolean();
        } else if (value.fitsInLong()) {
            java = value.asLong();
        } else if (value.isNumber()) {
            java = value.asDouble();
        } else {
            throw new IllegalArgumentException("attribute values are strings, numbers, booleans or null");
        }
        live().attributes().put(name, java);
    }

    @HostAccess.Export
    public void removeAttribute(String name) {
        live().attributes().remove(name);
    }

    @HostAccess.Export
    public ProxyArray attributeNames() {
        return ProxyArray.fromList(new ArrayList<>(live().attributes().keySet()));
    }

    @HostAccess.Export
    public HostResponse proceed() throws Exception {
        GatewayExchange current = live();
        pause();
        try {
            proceeded = new HostResponse(chain.proceed(current), bodyLimit);
            return proceeded;
        } finally {
            resume();
        }
    }

    @HostAccess.Export
    public void log(String level, String message) {
        if (quiet) {
            return;
        }
        String where = ended ? "" : " [" + exchange.requestId() + "]";
        LOG.log(Level.valueOf(level), "script {0}{1}: {2}", script, where, message);
    }

    // ---- fetch ----

    /**
     * Starts a call to a configured upstream (see {@link ScriptFetches}); the result settles the script's promise
     * through {@code onOk(response)} or {@code onError(code, detail, status)} when the owner delivers it.
     */
    @HostAccess.Export
    public void fetch(String upstream, String method, String path, String query, Value flatHeaders, String body,
                      String contentType, double timeoutMillis, Value onOk, Value onError) {
        live();
        if (fetches == null) {
            fetches = new ScriptFetches(upstreams, exchange, fetchPermits, bodyLimit);
        }
        ScriptFetches.Fetch fetch = new ScriptFetches.Fetch(upstream,
                request(method, path, query, flatHeaders, body, contentType),
                timeoutMillis > 0 ? Duration.ofMillis((long) timeoutMillis) : fetchTimeout,
                onOk::execute,
                (code, detail, status) -> onError.execute(code, detail, status));
        String problem = !upstreams.names().contains(upstream)
                ? "no upstream named '" + upstream + "' in the config (known: " + String.join(", ", upstreams.names()) + ")"
                : !METHOD.matcher(method).matches() ? "invalid method '" + method + "'"
                : !path.startsWith("/") ? "path must start with '/', got '" + path + "'" : null;
        if (problem == null) {
            fetches.submit(fetch);
        } else {
            fetches.refuse(fetch, problem.startsWith("no upstream") ? "unknown_upstream" : "invalid_fetch", problem, 500);
        }
    }

    private static Request request(String method, String path, String query, Value flatHeaders, String body,
                                   String contentType) {
        Headers headers = new Headers();
        for (long i = 0; i + 1 < flatHeaders.getArraySize(); i += 2) {
            headers.add(flatHeaders.getArrayElement(i).asString(), flatHeaders.getArrayElement(i + 1).asString());
        }
        if (contentType != null && !headers.contains("Content-Type")) {
            headers.set("Content-Type", contentType);
        }
        return new Request(method, "http", "localhost", path, query, headers,
                body == null ? Body.empty() : Body.of(body));
    }

    /** A guest error's description for the log: message and script frames. */
    static String describe(PolyglotException e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (frame.isGuestFrame() && frame.getSourceLocation() != null) {
                out.append("\n    at ").append(frame);
            }
        }
        return out.toString();
    }

}
