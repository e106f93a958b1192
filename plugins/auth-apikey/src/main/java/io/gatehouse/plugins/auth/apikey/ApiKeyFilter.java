package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.QueryString;
import io.gatehouse.api.Request;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code filter.api_key}: identifies the consumer by an API key in a header or a query parameter. Only the keys'
 * SHA-256 hashes are known; a presented key is hashed and looked up. See {@link ApiKeyConfig}.
 */
final class ApiKeyFilter extends CredentialFilter<ApiKeyFilter.Presented> {

    /**
     * A key as the client sent it.
     *
     * @param bytes the key's bytes: a header value as received (ISO-8859-1 is byte for byte), a query value
     *              percent-decoded as UTF-8
     * @param where where it was, for log lines
     */
    record Presented(byte[] bytes, String where) {
    }

    private final String header;
    private final String queryParam;
    private final boolean keepHeader;
    private final Supplier<ApiKeys.Table> keys;

    ApiKeyFilter(ApiKeyConfig config, Supplier<ApiKeys.Table> keys, System.Logger logger) {
        super("ApiKey " + realmParameter(config.realm()), config.anonymous(), logger);
        this.header = config.header();
        this.queryParam = config.queryParam();
        this.keepHeader = config.keepCredential();
        this.keys = keys;
    }

    @Override
    Presented find(Exchange exchange) {
        Request request = exchange.request();
        List<String> inHeader = request.headers().all(header);
        List<String> inQuery = queryParam == null ? List.of() : QueryString.all(request.rawQuery(), queryParam);
        int count = inHeader.size() + inQuery.size();
        if (count == 0) {
            return null;
        }
        if (count > 1) {
            throw refuse(exchange, 400, "multiple_api_keys", "The request carries more than one API key ("
                    + places(inHeader.size(), inQuery.size()) + "); send exactly one.",
                    count + " API keys (" + places(inHeader.size(), inQuery.size()) + ")");
        }
        return inHeader.isEmpty()
                ? new Presented(inQuery.getFirst().getBytes(StandardCharsets.UTF_8), "query parameter " + queryParam)
                : new Presented(inHeader.getFirst().getBytes(StandardCharsets.ISO_8859_1), "header " + header);
    }

    @Override
    Consumer verify(Presented key, Exchange exchange) {
        if (key.bytes().length == 0) {
            throw refuse(exchange, 401, "invalid_api_key", "The API key is empty.", "empty API key in "
                    + key.where());
        }
        Consumer consumer = keys.get().find(KeyHash.of(key.bytes()));
        if (consumer == null) {
            throw refuse(exchange, 401, "invalid_api_key", "The API key is not valid.", "no key matches the API key"
                    + " in " + key.where());
        }
        return consumer;
    }

    @Override
    void strip(Request request) {
        if (queryParam != null && !QueryString.all(request.rawQuery(), queryParam).isEmpty()) {
            request.rawQuery(QueryString.remove(request.rawQuery(), queryParam));
        }
        if (!keepHeader) {
            request.headers().remove(header);
        }
    }

    private String places(int inHeader, int inQuery) {
        String headers = inHeader == 0 ? "" : inHeader + " in header " + header;
        String query = inQuery == 0 ? "" : inQuery + " in query parameter " + queryParam;
        return headers.isEmpty() || query.isEmpty() ? headers + query : headers + ", " + query;
    }
}
