package io.gatehouse.core.admin;

import java.util.Map;
import java.util.function.Function;

/**
 * An authenticated admin API request, free of the web server's types.
 *
 * @param method    the HTTP method
 * @param params    the path template's parameters
 * @param header    a header's first value by name, or {@code null}
 * @param body      the body (bounded by the server), empty for none
 * @param caller    who sent it
 * @param requestId the request id, for problem documents
 */
public record AdminRequest(String method, Map<String, String> params, Function<String, String> header, byte[] body,
                           AdminAuth.Caller caller, String requestId) {
}
