package io.gatehouse.plugins.cache;

import io.gatehouse.api.Body;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A stored response: status, headers (without {@code Age}, which is computed when it is served) and the whole body,
 * with what it takes to tell its age (RFC 9111 section 4.2.3) and to answer conditional requests. Immutable; every
 * response made from it is a new one.
 */
final class CachedResponse {

    /** The headers a 304 repeats from the response it stands for (RFC 9110 section 15.4.5). */
    private static final List<String> NOT_MODIFIED_HEADERS = List.of("Cache-Control", "Content-Location", "Date",
            "ETag", "Expires", "Last-Modified", "Vary");

    private final int status;
    private final Headers headers;
    private final byte[] body;
    private final Instant storedAt;
    private final StoragePolicy.Freshness freshness;
    private final List<String> varyNames;

    CachedResponse(int status, Headers headers, byte[] body, Instant storedAt, StoragePolicy.Freshness freshness) {
        this.status = status;
        this.headers = headers.copy();
        this.headers.remove("Age");
        this.headers.remove(CacheFilter.X_CACHE);
        this.body = body;
        this.storedAt = storedAt;
        this.freshness = freshness;
        this.varyNames = varyNames(headers);
    }

    /** The header names of {@code Vary}, lower case, in order, without repeats. */
    static List<String> varyNames(Headers headers) {
        return headers.all("Vary").stream()
                .flatMap(field -> java.util.Arrays.stream(field.split(",")))
                .map(name -> name.strip().toLowerCase(java.util.Locale.ROOT))
                .filter(name -> !name.isEmpty())
                .distinct()
                .toList();
    }

    int status() {
        return status;
    }

    List<String> varyNames() {
        return varyNames;
    }

    /** How old it is now: its age on arrival plus the time since. */
    Duration age(Instant now) {
        Duration resident = Duration.between(storedAt, now);
        return freshness.initialAge().plus(resident.isNegative() ? Duration.ZERO : resident);
    }

    /** How long it stays fresh from now; zero or negative once stale. */
    Duration freshFor(Instant now) {
        return freshness.lifetime().minus(age(now));
    }

    /** An estimate of the memory it holds: body, headers and a fixed overhead. */
    long bytes() {
        long[] size = {body.length + 256L};
        headers.forEach((name, value) -> size[0] += name.length() + value.length() + 32L);
        return size[0];
    }

    /**
     * The response to serve.
     *
     * @param now        to compute {@code Age}
     * @param withAge    whether to send {@code Age} (served from the cache) or not (just fetched)
     * @param conditions the request's conditional headers: a 304 when they match
     */
    Response toResponse(Instant now, boolean withAge, Headers conditions) {
        Response response;
        if (notModified(conditions)) {
            Headers kept = new Headers();
            for (String name : NOT_MODIFIED_HEADERS) {
                for (String value : headers.all(name)) {
                    kept.add(name, value);
                }
            }
            response = new Response(304, kept, Body.empty());
        } else {
            response = new Response(status, headers.copy(), Body.of(body));
        }
        if (withAge) {
            response.headers().set("Age", Long.toString(age(now).toSeconds()));
        }
        return response;
    }

    /**
     * Whether a conditional GET or HEAD is answered 304 (RFC 9110 section 13.2.2): {@code If-None-Match} against the
     * {@code ETag} by weak comparison ({@code *} matches any); without it, {@code If-Modified-Since} against
     * {@code Last-Modified}. Only a stored 200 is ever "not modified".
     */
    private boolean notModified(Headers conditions) {
        if (status != 200) {
            return false;
        }
        List<String> noneMatch = conditions.all("If-None-Match");
        if (!noneMatch.isEmpty()) {
            Optional<String> etag = headers.first("ETag").map(CachedResponse::opaque);
            for (String field : noneMatch) {
                for (String tag : field.split(",")) {
                    String candidate = tag.strip();
                    if (candidate.equals("*") || (etag.isPresent() && etag.get().equals(opaque(candidate)))) {
                        return true;
                    }
                }
            }
            return false;
        }
        Optional<Instant> since = CacheControl.date(conditions, "If-Modified-Since");
        Optional<Instant> modified = CacheControl.date(headers, "Last-Modified");
        return since.isPresent() && modified.isPresent() && !modified.get().isAfter(since.get());
    }

    /** An entity tag without its weakness mark, for weak comparison. */
    private static String opaque(String tag) {
        String text = tag.strip();
        return text.startsWith("W/") ? text.substring(2) : text;
    }
}
