package io.gatehouse.core.script;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.api.Chain;
import io.gatehouse.api.Doc;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Required;
import io.gatehouse.api.Response;
import io.gatehouse.core.chain.CheckByCreating;
import io.gatehouse.core.chain.CoreContext;
import io.gatehouse.core.chain.GatewayExchange;
import io.gatehouse.core.chain.UpstreamCalls;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;

/**
 * {@code filter.script}: runs a JavaScript filter from {@code scripts/} (its newest good version, so a saved edit
 * applies to the next request). JavaScript time is limited per call; a script that throws, overruns or returns
 * something that is not a response answers 500 problem+json, with the detail in the log only. A fetch failure the
 * script lets through is the upstream's, and answers as such (502, 503, 504). When the call ends, whatever it took
 * from upstreams and does not return is given back (see {@link ScriptCall#end}).
 */
public final class ScriptFilter implements Filter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COLD_START_GRACE = Duration.ofSeconds(1);

    private final ScriptHost host;
    private final ScriptHost.Script script;
    private final UpstreamCalls upstreams;
    private final String configJson;
    private final Duration timeout;
    private final Duration fetchTimeout;

    ScriptFilter(ScriptHost host, ScriptHost.Script script, UpstreamCalls upstreams, String configJson,
                 Duration timeout, Duration fetchTimeout) {
        this.host = host;
        this.script = script;
        this.upstreams = upstreams;
        this.configJson = configJson;
        this.timeout = timeout;
        this.fetchTimeout = fetchTimeout;
    }

    @Override
    public Response filter(Exchange exchange, Chain chain) throws Exception {
        GatewayExchange gateway = (GatewayExchange) exchange;
        ScriptVersion version = script.current();
        if (version == null) {
            throw new GatewayException(503, "script_unavailable", "the script " + script.name() + " is not loaded; "
                    + "the gateway log and the admin API (/scripts) say why");
        }
        ScriptVersion.ScriptContext context = acquire(version, gateway);
        // A Context's first call runs cold (interpreter, first host-interop lookups): it gets a longer budget.
        Duration budget = context.firstCall() ? timeout.plus(COLD_START_GRACE) : timeout;
        ScriptCall call = new ScriptCall(script.name(), gateway, chain, upstreams, ScriptHost.BODY_LIMIT,
                fetchTimeout, budget, host.fetchPermits(), false);
        context.running(call);
        boolean broken = true;
        HostResponse kept = null;
        try {
            context.execute(call, configJson);
            while (!call.settled()) {
                if (call.pendingFetches() == 0) {
                    throw failure(gateway, "its promise never settled (await only fetches and your own promises)");
                }
                call.deliverNext();
            }
            call.pause();
            if (call.error() != null) {
                throw rejected(gateway, call);
            }
            broken = false;
            HostResponse answer = call.response();
            Response toClient = answer.response();   // throws when the script could not read its body
            kept = answer;
            return toClient;
        } catch (PolyglotException e) {
            throw translate(gateway, call, e);
        } catch (IllegalStateException e) {
            if (call.killed()) {
                throw timedOut(gateway, call);
            }
            throw e;
        } finally {
            context.running(null);
            boolean ours = call.finish();
            call.end(kept);
            version.release(context, broken || !ours);
        }
    }

    /** A pooled Context, or a new one: its module is evaluated again, which may fail or overrun like a load. */
    private ScriptVersion.ScriptContext acquire(ScriptVersion version, GatewayExchange exchange)
            throws InterruptedException {
        try {
            return version.acquire();
        } catch (ScriptLoadException e) {
            ScriptCall.LOG.log(Level.ERROR, "script {0} [{1}]: a new Context could not evaluate the module: {2}",
                    script.name(), exchange.requestId(), e.getMessage());
            throw e.overran() ? ranTooLong() : scriptError(exchange);
        }
    }

    private GatewayException translate(GatewayExchange exchange, ScriptCall call, PolyglotException e) {
        if (call.killed() || e.isCancelled() && !e.isResourceExhausted()) {
            return timedOut(exchange, call);
        }
        if (e.isHostException() && e.asHostException() instanceof GatewayException gatewayException) {
            return gatewayException;
        }
        if (e.isResourceExhausted()) {
            return failure(exchange, "ran out of resources: " + e.getMessage());
        }
        return failure(exchange, "threw " + ScriptCall.describe(e));
    }

    private GatewayException rejected(GatewayExchange exchange, ScriptCall call) {
        Value error = call.error();
        GatewayException upstream = upstreamFailure(exchange, error);
        if (upstream != null) {
            return upstream;
        }
        if (error.isException()) {
            try {
                error.throwException();
            } catch (PolyglotException e) {
                if (e.isHostException() && e.asHostException() instanceof GatewayException gatewayException) {
                    return gatewayException;
                }
                if (!call.malformed()) {
                    return failure(exchange, "threw " + ScriptCall.describe(e));
                }
            }
        }
        String message = error.hasMember("message") ? error.getMember("message").toString() : error.toString();
        return failure(exchange, call.malformed() ? "returned something that is not a response: " + message
                : "rejected its promise: " + message);
    }

    private GatewayException timedOut(GatewayExchange exchange, ScriptCall call) {
        ScriptCall.LOG.log(Level.ERROR, "script {0} [{1}]: stopped after {2} ms of JavaScript time (the "
                + "route''s script timeout); its Context was replaced", script.name(), exchange.requestId(), call.budgetMillis());
        return ranTooLong();
    }

    private GatewayException failure(GatewayExchange exchange, String what) {
        ScriptCall.LOG.log(Level.ERROR, "script {0} [{1}] failed: {2}", script.name(), exchange.requestId(), what);
        return scriptError(exchange);
    }

    private GatewayException ranTooLong() {
        host.failed(script.name(), true);
        return new GatewayException(500, "script_timeout", "the script " + script.name() + " ran too long");
    }

    private GatewayException scriptError(GatewayExchange exchange) {
        host.failed(script.name(), false);
        return new GatewayException(500, "script_error", "the script " + script.name()
                + " failed; the gateway log has the detail (request " + exchange.requestId() + ")");
    }

    /**
     * A fetch's rejection the script let through is the upstream's fault, not the script's: the client gets the
     * fetch's own status (502, 503, 504) and code. Null for any other rejection.
     */
    private GatewayException upstreamFailure(GatewayExchange exchange, Value error) {
        if (!error.hasMembers() || !error.hasMember("upstream") || !error.hasMember("status")) {
            return null;
        }
        Value status = error.getMember("status");
        Value code = error.getMember("code");
        Value upstream = error.getMember("upstream");
        if (!status.fitsInInt() || status.asInt() < 502 || status.asInt() > 504 || code == null || !code.isString()
                || upstream == null || !upstream.isString()) {
            return null;
        }
        ScriptCall.LOG.log(Level.WARNING, "script {0} [{1}]: a fetch failed and the script did not catch it: {2}",
                script.name(), exchange.requestId(), error.getMember("message"));
        return new GatewayException(status.asInt(), code.asString(), "upstream '" + upstream.asString()
                + "' failed while the script " + script.name() + " called it");
    }

    /**
     * @param file          the script, relative to {@code scripts/}; required
     * @param config        any object, handed to the script's {@code filter} as its third argument; default {}
     * @param timeout       the JavaScript time one call may use (time waiting for upstreams does not count);
     *                      default {@code 50ms}
     * @param fetchTimeout  the timeout of {@code exchange.upstreams.fetch} calls that give none; default {@code 5s}
     */
    public record Config(@Doc("the script, relative to scripts/") @Required String file,
                         @Doc("any object, handed to the script's filter as its third argument")
                         Map<String, Object> config,
                         @Doc("the JavaScript time one call may use (waiting for upstreams does not count)")
                         Duration timeout,
                         @Doc("the timeout of exchange.upstreams.fetch calls that give none") Duration fetchTimeout) {
        public Config {
            config = config == null ? Map.of() : config;
            timeout = timeout == null ? Duration.ofMillis(50) : timeout;
            fetchTimeout = fetchTimeout == null ? Duration.ofSeconds(5) : fetchTimeout;
        }
    }

    /** Creates {@link ScriptFilter}s; shortcut {@code script: add-headers.js}. */
    public static final class Factory implements FilterFactory<Config>, CheckByCreating {
        @Override
        public String id() {
            return "filter.script";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public void validate(Config config, Problems problems) {
            String problem = ScriptHost.nameProblem(config.file());
            if (problem != null) {
                problems.add("file", problem);
            }
            if (config.timeout().isNegative() || config.timeout().isZero()) {
                problems.add("timeout", "must be positive");
            }
            if (config.fetchTimeout().isNegative() || config.fetchTimeout().isZero()) {
                problems.add("fetch_timeout", "must be positive");
            }
        }

        @Override
        public Filter create(Config config, PluginContext context) throws JsonProcessingException {
            CoreContext core = (CoreContext) context;
            ScriptHost host = core.scripts();
            if (host == null) {
                throw new IllegalStateException("no script runtime in this gateway");
            }
            ScriptHost.Script script = host.resolve(config.file());
            String unknown = ScriptHost.unknownFetch(script.fetches(), core.upstreams().names());
            if (unknown != null) {
                throw new IllegalArgumentException(unknown);
            }
            return new ScriptFilter(host, script, core.upstreams(), JSON.writeValueAsString(config.config()),
                    config.timeout(), config.fetchTimeout());
        }
    }
}
