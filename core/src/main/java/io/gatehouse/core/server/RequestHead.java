package io.gatehouse.core.server;

import io.gatehouse.api.Headers;

/**
 * The head of a client request as read off the wire and validated.
 *
 * @param method      the method token
 * @param rawPath     the path as sent (still percent-encoded), without the query
 * @param rawQuery    the query as sent, without {@code ?}; empty when none
 * @param http10      whether the request line said {@code HTTP/1.0}
 * @param headers     the header fields in order; for an absolute-form target, {@code Host} is the target's authority
 * @param headerBytes the size of the header block, for the 431 limit
 */
record RequestHead(String method, String rawPath, String rawQuery, boolean http10, Headers headers,
                   long headerBytes) {

    /** The request target as the client sent it, for logs. */
    String target() {
        return rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
    }
}
