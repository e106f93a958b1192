package io.gatehouse.plugins.headers;

import io.gatehouse.api.Doc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Config of {@code filter.headers}.
 *
 * <pre>{@code
 * - headers:
 *     request:  { set: {X-A: "1"}, add: {X-B: "2"}, remove: [X-Secret] }
 *     response: { remove: [Server] }
 * }</pre>
 *
 * @param request  what to change on the request before it goes upstream; default: nothing
 * @param response what to change on the response before it goes back to the client; default: nothing
 */
public record HeadersConfig(
        @Doc("what to change on the request before it goes upstream; default: nothing") Rules request,
        @Doc("what to change on the response before it goes back to the client; default: nothing") Rules response) {

    /** Applies the defaults. */
    public HeadersConfig {
        request = request == null ? Rules.NONE : request;
        response = response == null ? Rules.NONE : response;
    }

    /**
     * The changes to one set of headers, applied in this order: remove, set, add.
     *
     * @param set    headers to replace (every value of the name) with one value; default: none
     * @param add    values to append after any the header already has; default: none
     * @param remove header names to drop, in any case; default: none
     */
    public record Rules(
            @Doc("headers to replace (every value of the name) with one value; applied after remove")
            Map<String, String> set,
            @Doc("values to append after any the header already has; applied last") Map<String, String> add,
            @Doc("header names to drop, in any case; applied first") List<String> remove) {

        static final Rules NONE = new Rules(null, null, null);

        /** Applies the defaults and keeps the config's order (null values are kept for validation). */
        public Rules {
            set = set == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(set));
            add = add == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(add));
            remove = remove == null ? List.of() : Collections.unmodifiableList(new java.util.ArrayList<>(remove));
        }

        boolean isEmpty() {
            return set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }
    }
}
