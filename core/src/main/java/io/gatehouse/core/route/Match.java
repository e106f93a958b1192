package io.gatehouse.core.route;

import java.util.Map;
import java.util.Set;

/**
 * The result of {@link RouteTable#match}.
 *
 * @param <T> the route target type
 */
public sealed interface Match<T> {

    /**
     * A route takes the request.
     *
     * @param rule   the route
     * @param params the captured path parameters by name, decoded; unmodifiable
     * @param <T>    the route target type
     */
    record Found<T>(RouteRule<T> rule, Map<String, String> params) implements Match<T> {
        /** @return the route's target */
        public T target() {
            return rule.target();
        }
    }

    /**
     * Routes take the request's host, path, headers and query, but none takes its method: answer 405.
     *
     * @param allow the methods those routes take, sorted, for the {@code Allow} header; unmodifiable
     * @param <T>   the route target type
     */
    record MethodNotAllowed<T>(Set<String> allow) implements Match<T> {
    }

    /**
     * No route takes the request: answer 404.
     *
     * @param <T> the route target type
     */
    record NotFound<T>() implements Match<T> {
        private static final NotFound<?> INSTANCE = new NotFound<>();

        @SuppressWarnings("unchecked")
        static <T> NotFound<T> instance() {
            return (NotFound<T>) INSTANCE;
        }
    }
}
