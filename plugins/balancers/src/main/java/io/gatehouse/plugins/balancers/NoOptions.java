package io.gatehouse.plugins.balancers;

/** The config of a balancer that takes no options: only {@code type} may be given. */
public record NoOptions() {
}
