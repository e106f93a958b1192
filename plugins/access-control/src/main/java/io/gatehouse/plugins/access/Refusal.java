package io.gatehouse.plugins.access;

import io.gatehouse.api.Exchange;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.PluginContext;

/**
 * How the filters of this plugin refuse a request: one INFO line in the component's log (request id, route, status,
 * code, the filter's place in the config and the reason, which may name the consumer or the client address but
 * never a credential), then the {@link GatewayException} the core renders as problem+json.
 */
final class Refusal {

    private final System.Logger logger;
    private final String component;

    /** @param context the component's context: its logger, id and place in the config */
    Refusal(PluginContext context) {
        this.logger = context.logger();
        this.component = context.componentId() + " at " + context.location();
    }

    /**
     * Logs the refusal and makes the exception to throw.
     *
     * @param exchange the refused request
     * @param status   the status to answer with
     * @param code     the problem's code
     * @param message  what the client is told
     * @param reason   what the operator is told, on top of the client's message
     * @return the exception, ready to throw (or to add headers to)
     */
    GatewayException refuse(Exchange exchange, int status, String code, String message, String reason) {
        logger.log(System.Logger.Level.INFO, "request " + exchange.requestId() + " on route '" + exchange.routeId()
                + "': " + status + " " + code + " by " + component + ": " + reason);
        return new GatewayException(status, code, message);
    }
}
