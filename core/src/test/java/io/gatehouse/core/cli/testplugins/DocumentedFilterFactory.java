package io.gatehouse.core.cli.testplugins;

import io.gatehouse.api.Doc;
import io.gatehouse.api.Filter;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Required;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.List;

/** A test plugin whose config record has every shape {@code plugins describe} shows. */
@Extension
public class DocumentedFilterFactory implements FilterFactory<DocumentedFilterFactory.Config> {

    /** The mode of the filter. */
    public enum Mode { FAST_PATH, SLOW }

    /** A nested record. */
    public record Target(@Doc("the target's host") String host, @Doc("the target's port") Integer port) {
        public Target {
            host = host == null ? "localhost" : host;
            port = port == null ? 80 : port;
        }
    }

    /** An element of a list. */
    public record Rule(@Doc("a rule's name") @Required String name, Duration pause) {
        public Rule {
            pause = pause == null ? Duration.ofMillis(1500) : pause;
        }
    }

    /** The config. */
    public record Config(@Doc("the greeting, shown to everyone") String greeting,
                         @Doc("how it runs") Mode mode,
                         Duration timeout,
                         Target target,
                         @Doc("the rules, in order") List<Rule> rules,
                         List<String> tags) {
        public Config {
            greeting = greeting == null ? "hello" : greeting;
            mode = mode == null ? Mode.FAST_PATH : mode;
            timeout = timeout == null ? Duration.ofSeconds(90) : timeout;
            target = target == null ? new Target(null, null) : target;
            rules = rules == null ? List.of() : rules;
            tags = tags == null ? List.of("a", "b") : tags;
        }
    }

    @Override
    public String id() {
        return "filter.documented";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void validate(Config config, Problems problems) {
        if (config.rules().isEmpty()) {
            problems.add("rules", "at least one rule");
        }
    }

    @Override
    public Filter create(Config config, PluginContext context) {
        return (exchange, chain) -> chain.proceed(exchange);
    }
}
