package io.gatehouse.plugins.cache;

import io.gatehouse.api.Headers;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an upstream response may be stored, and for how long it is fresh (RFC 9111 sections 3 and 4.2, for a
 * shared cache):
 * <ul>
 *   <li>its status is one of the configured ones;</li>
 *   <li>no {@code Cache-Control: no-store}, {@code private} or {@code no-cache} (the gateway does not revalidate
 *       with the upstream, so a response that may only be served after revalidation is not stored);</li>
 *   <li>no {@code Vary: *} and no {@code Set-Cookie} (a cookie is meant for one client, as nginx and Varnish
 *       hold);</li>
 *   <li>a lifetime that has not already passed: {@code s-maxage}, else {@code max-age}, else {@code Expires} minus
 *       {@code Date}, else the route's {@code ttl}. An invalid {@code Expires} or {@code max-age} means already
 *       stale.</li>
 * </ul>
 */
final class StoragePolicy {

    private final Set<Integer> statuses;
    private final Duration ttl;

    StoragePolicy(Set<Integer> statuses, Duration ttl) {
        this.statuses = Set.copyOf(statuses);
        this.ttl = ttl;
    }

    /**
     * How fresh a response is on arrival.
     *
     * @param lifetime   how long it is fresh from its origin (its {@code Date})
     * @param initialAge how old it already is on arrival ({@code Age}, or the time since its {@code Date})
     */
    record Freshness(Duration lifetime, Duration initialAge) {
        boolean fresh() {
            return lifetime.compareTo(initialAge) > 0;
        }
    }

    /**
     * @param status  the response status
     * @param headers the response headers
     * @param now     when the response arrived
     * @return its freshness when it may be stored, else empty
     */
    Optional<Freshness> freshness(int status, Headers headers, Instant now) {
        if (!statuses.contains(status) || headers.contains("Set-Cookie") || varyAny(headers)) {
            return Optional.empty();
        }
        CacheControl control = CacheControl.of(headers);
        if (control.has("no-store") || control.has("private") || control.has("no-cache")) {
            return Optional.empty();
        }
        Instant date = CacheControl.date(headers, "Date").filter(d -> !d.isAfter(now)).orElse(now);
        Duration lifetime = control.seconds("s-maxage")
                .or(() -> control.seconds("max-age"))
                .or(() -> headers.first("Expires").map(expires -> CacheControl.date(expires)
                        .map(at -> at.isAfter(date) ? Duration.between(date, at) : Duration.ZERO)
                        .orElse(Duration.ZERO)))
                .orElse(ttl);
        Duration apparentAge = Duration.between(date, now);
        Duration ageHeader = headers.first("Age").flatMap(StoragePolicy::seconds).orElse(Duration.ZERO);
        Freshness freshness = new Freshness(lifetime, apparentAge.compareTo(ageHeader) > 0 ? apparentAge : ageHeader);
        return freshness.fresh() ? Optional.of(freshness) : Optional.empty();
    }

    private static boolean varyAny(Headers headers) {
        for (String field : headers.all("Vary")) {
            for (String name : field.split(",")) {
                if (name.strip().equals("*")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Optional<Duration> seconds(String value) {
        String text = value.strip();
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
    }
}
