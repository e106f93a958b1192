package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Headers;
import io.gatehouse.api.Request;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code filter.basic_auth}: identifies the consumer by a user name and password ({@code Authorization: Basic},
 * RFC 7617), checked against bcrypt hashes. See {@link BasicAuthConfig}.
 */
final class BasicAuthFilter extends CredentialFilter<BasicCredentials> {

    static final String AUTHORIZATION = "Authorization";

    private final boolean keepAuthorization;
    private final Supplier<Users.Table> users;
    private final PasswordCheck passwords;

    BasicAuthFilter(BasicAuthConfig config, Supplier<Users.Table> users, PasswordCheck passwords,
                    System.Logger logger) {
        super(BasicCredentials.SCHEME + " " + realmParameter(config.realm()) + ", charset=\"UTF-8\"",
                config.anonymous(), logger);
        this.keepAuthorization = config.keepCredential();
        this.users = users;
        this.passwords = passwords;
    }

    @Override
    BasicCredentials find(Exchange exchange) {
        List<String> basic = exchange.request().headers().all(AUTHORIZATION).stream()
                .filter(BasicCredentials::isBasic).toList();
        if (basic.isEmpty()) {
            return null;
        }
        if (basic.size() > 1) {
            throw refuse(exchange, 400, "multiple_credentials", "The request carries more than one set of Basic"
                    + " credentials; send exactly one.", basic.size() + " Basic Authorization headers");
        }
        try {
            return BasicCredentials.decode(basic.getFirst());
        } catch (BasicCredentials.Malformed e) {
            throw refuse(exchange, 401, "malformed_credentials", "The Basic credentials cannot be read: "
                    + e.getMessage() + ".", "malformed Basic credentials: " + e.getMessage());
        }
    }

    @Override
    Consumer verify(BasicCredentials credentials, Exchange exchange) {
        try {
            Users.Table table = users.get();
            Users.Entry user = table.byName().get(credentials.username());
            if (user == null) {
                passwords.unknownUser(credentials.password(), table.typicalCost());
                // the name is not logged: people type their password where the name belongs
                throw refuse(exchange, 401, "invalid_credentials", "The user name or password is not valid.",
                        "unknown user (the name is not logged)");
            }
            if (!passwords.matches(credentials.username(), credentials.password(), user.passwordHash())) {
                throw refuse(exchange, 401, "invalid_credentials", "The user name or password is not valid.",
                        "wrong password for user '" + credentials.username() + "'");
            }
            return user.consumer();
        } finally {
            Arrays.fill(credentials.password(), (byte) 0);
        }
    }

    @Override
    void strip(Request request) {
        Headers headers = request.headers();
        List<String> values = headers.all(AUTHORIZATION);
        if (keepAuthorization || values.stream().noneMatch(BasicCredentials::isBasic)) {
            return;
        }
        List<String> others = values.stream().filter(value -> !BasicCredentials.isBasic(value)).toList();
        headers.remove(AUTHORIZATION);
        others.forEach(value -> headers.add(AUTHORIZATION, value));
    }
}
