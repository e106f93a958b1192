package io.gatehouse.core.plugin;

import io.gatehouse.api.ComponentFactory;
import io.gatehouse.api.DiscoveryFactory;
import io.gatehouse.api.FilterFactory;
import io.gatehouse.api.LoadBalancerFactory;
import io.gatehouse.api.TransportFactory;

import java.util.Optional;
import java.util.regex.Pattern;

/** The extension points and the id namespace each one owns. */
enum ComponentKind {
    FILTER("filter", FilterFactory.class),
    LOAD_BALANCER("lb", LoadBalancerFactory.class),
    DISCOVERY("discovery", DiscoveryFactory.class),
    TRANSPORT("transport", TransportFactory.class);

    static final Pattern ID = Pattern.compile("^(filter|lb|discovery|transport)\\.[a-z][a-z0-9_]*$");

    private final String namespace;
    private final Class<?> factoryType;

    ComponentKind(String namespace, Class<?> factoryType) {
        this.namespace = namespace;
        this.factoryType = factoryType;
    }

    /**
     * Checks a factory's id against the id syntax and its kind's namespace.
     *
     * @return empty if fine, otherwise why it is refused
     */
    static Optional<String> checkId(ComponentFactory<?, ?> factory, String id) {
        String type = factory.getClass().getName();
        if (id == null) {
            return Optional.of(type + ".id() returned null");
        }
        if (!ID.matcher(id).matches()) {
            return Optional.of("component id '" + id + "' of " + type
                    + " is invalid: it must match " + ID.pattern() + " (e.g. filter.jwt, lb.round_robin)");
        }
        ComponentKind kind = of(factory).orElse(null);
        if (kind == null) {
            return Optional.of(type + " (id '" + id + "') implements none of FilterFactory, LoadBalancerFactory, "
                    + "DiscoveryFactory, TransportFactory");
        }
        if (!id.startsWith(kind.namespace + ".")) {
            return Optional.of("component id '" + id + "' of " + type + " is in the wrong namespace: a "
                    + kind.factoryType.getSimpleName() + " id must start with '" + kind.namespace + ".'");
        }
        return Optional.empty();
    }

    static Optional<ComponentKind> of(ComponentFactory<?, ?> factory) {
        for (ComponentKind kind : values()) {
            if (kind.factoryType.isInstance(factory)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
