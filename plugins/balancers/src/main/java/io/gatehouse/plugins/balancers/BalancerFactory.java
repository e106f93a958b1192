package io.gatehouse.plugins.balancers;

import io.gatehouse.api.LoadBalancer;
import io.gatehouse.api.LoadBalancerFactory;
import io.gatehouse.api.PluginContext;

import java.util.Objects;
import java.util.function.Function;

/**
 * What the five factories of this plugin share: an id, a config type and a way to make a balancer from a valid
 * config. A factory that validates more than the binder does overrides {@link #validate}.
 *
 * @param <C> the config record
 */
abstract class BalancerFactory<C extends Record> implements LoadBalancerFactory<C> {

    private final String id;
    private final Class<C> configType;
    private final Function<C, LoadBalancer> create;

    BalancerFactory(String id, Class<C> configType, Function<C, LoadBalancer> create) {
        this.id = Objects.requireNonNull(id, "id");
        this.configType = Objects.requireNonNull(configType, "configType");
        this.create = Objects.requireNonNull(create, "create");
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Class<C> configType() {
        return configType;
    }

    @Override
    public final LoadBalancer create(C config, PluginContext context) {
        return create.apply(config);
    }
}
