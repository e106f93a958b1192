package io.gatehouse.plugins.grpc;

import io.gatehouse.api.Request;

import java.util.Locale;

/** What a client speaks, from its request's {@code Content-Type}. */
enum Wire {
    /** {@code application/grpc}, {@code application/grpc+proto}: a gRPC client, proxied as it is. */
    GRPC,
    /** {@code application/grpc-web}, {@code application/grpc-web+proto}: gRPC-Web, binary. */
    GRPC_WEB,
    /** {@code application/grpc-web-text}, {@code application/grpc-web-text+proto}: gRPC-Web, base64. */
    GRPC_WEB_TEXT,
    /** Anything else: HTTP/JSON, transcoded. */
    JSON;

    static Wire of(Request request) {
        String type = request.headers().first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        String base = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
        if (base.equals("application/grpc") || base.startsWith("application/grpc+")) {
            return GRPC;
        }
        if (base.equals("application/grpc-web-text") || base.startsWith("application/grpc-web-text+")) {
            return GRPC_WEB_TEXT;
        }
        if (base.equals("application/grpc-web") || base.startsWith("application/grpc-web+")) {
            return GRPC_WEB;
        }
        return JSON;
    }
}
