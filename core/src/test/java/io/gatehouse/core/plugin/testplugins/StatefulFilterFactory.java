package io.gatehouse.core.plugin.testplugins;

import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Response;
import org.pf4j.Extension;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test plugin's filter that keeps a state across generations and answers what it knows: its state's id and which
 * states were closed ({@code a-1 closed=}). The counters are static: they live in the plugin's class loader, as
 * long as the plugin, across every generation.
 */
@Extension
public class StatefulFilterFactory implements FilterFactory<StatefulFilterFactory.Config> {

    private static final AtomicInteger STATES = new AtomicInteger();
    private static final Queue<String> CLOSED_STATES = new ConcurrentLinkedQueue<>();

    /** @param label the first part of the state's id */
    public record Config(String label) {
    }

    /** What survives reloads. */
    static final class Counter implements AutoCloseable {
        final String id;

        Counter(String id) {
            this.id = id;
        }

        @Override
        public void close() {
            CLOSED_STATES.add(id);
        }
    }

    @Override
    public String id() {
        return "filter.stateful";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Filter create(Config config, PluginContext context) throws Exception {
        Counter counter = context.state("counter", () -> new Counter(config.label() + "-" + STATES.incrementAndGet()));
        return (exchange, chain) -> Response.text(200, counter.id + " closed=" + String.join(",", CLOSED_STATES));
    }
}
