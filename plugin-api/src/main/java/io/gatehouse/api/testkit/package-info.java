/**
 * Test helpers for plugin authors: {@link io.gatehouse.api.testkit.TestExchange} (an exchange built in memory),
 * {@link io.gatehouse.api.testkit.TestChain} (a stand-in for the rest of the chain that records what reached it),
 * {@link io.gatehouse.api.testkit.TestPluginContext} (a context that keeps state across simulated reloads as the
 * core does), {@link io.gatehouse.api.testkit.TestConfig} (binds options to a config record with the gateway's
 * binder and messages), {@link io.gatehouse.api.testkit.TestUpstream} (runs a filter in front of a real HTTP
 * upstream on a loopback port) and {@link io.gatehouse.api.testkit.PluginJar} (writes a PF4J plugin JAR from
 * classes on the test classpath).
 *
 * <p>They depend on the JDK, this API and PF4J only, so a third-party plugin can use them from its own tests
 * with any test framework; {@link io.gatehouse.api.testkit.TestConfig#bindYaml} alone also needs SnakeYAML
 * ({@code org.yaml:snakeyaml}) on the test class path.
 */
package io.gatehouse.api.testkit;
