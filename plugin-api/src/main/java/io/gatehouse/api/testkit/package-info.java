/**
 * Test helpers for plugin authors: {@link io.gatehouse.api.testkit.TestExchange} (an exchange built in memory),
 * {@link io.gatehouse.api.testkit.TestChain} (a stand-in for the rest of the chain that records what reached it),
 * {@link io.gatehouse.api.testkit.TestPluginContext} (a context that keeps state across simulated reloads as the
 * core does) and {@link io.gatehouse.api.testkit.PluginJar} (writes a PF4J plugin JAR from classes on the test
 * classpath).
 *
 * <p>They depend on the JDK, this API and PF4J only, so a third-party plugin can use them from its own tests
 * with any test framework.
 */
package io.gatehouse.api.testkit;
