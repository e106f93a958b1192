package io.gatehouse.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8081, http://127.0.0.1:8081",
            "http://example.com, http://example.com:80",
            "https://example.com, https://example.com:443",
            "http://example.com:81/, http://example.com:81",
            "http://[::1]:8080, http://[::1]:8080"})
    void idIsSchemeHostAndPort(String url, String id) {
        assertEquals(id, Endpoint.of(url).id());
    }

    @ParameterizedTest
    @CsvSource({"ftp://example.com", "http://example.com/path", "http://example.com?q=1", "/relative"})
    void onlyBareHttpUrlsAreEndpoints(String url) {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of(url));
    }
}
