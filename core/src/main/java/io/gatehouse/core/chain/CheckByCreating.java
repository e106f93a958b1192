package io.gatehouse.core.chain;

/**
 * Marks a core factory whose {@code create} opens nothing and finds what validation alone cannot (a script that
 * does not load, or fetches an upstream the config lacks). {@code gatehouse check} creates such components and
 * closes them at once, as it does a plugin's whose factory's {@code createIsSideEffectFree()} says so; every other
 * component is only bound and validated there, since creating it may open files or connections.
 */
public interface CheckByCreating {
}
