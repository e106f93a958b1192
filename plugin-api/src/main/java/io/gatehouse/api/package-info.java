/**
 * The Gatehouse plugin SPI: the only types a third-party plugin compiles against.
 *
 * <p>The request path has one method, {@link io.gatehouse.api.Filter#filter(Exchange, Chain)}: code before
 * {@link io.gatehouse.api.Chain#proceed(Exchange)} is the request phase, code after it the response phase.
 * Every extension point (filter, load balancer, discovery, transport) is created by a
 * {@link io.gatehouse.api.ComponentFactory}: an id, a {@code record} config type bound strictly by the core,
 * a pure {@code validate}, and a {@code create} that may do I/O.
 *
 * <p>Errors: throw {@link io.gatehouse.api.GatewayException} to answer the client with an RFC 9457
 * problem document; any other exception becomes a 500 whose details go to the log only.
 */
package io.gatehouse.api;
