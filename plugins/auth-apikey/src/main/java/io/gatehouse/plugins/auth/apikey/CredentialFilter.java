package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Chain;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Exchange;
import io.gatehouse.api.Filter;
import io.gatehouse.api.GatewayException;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Request;
import io.gatehouse.api.Response;

import java.lang.System.Logger.Level;

/**
 * The part every authentication filter of this plugin shares: the protocol of {@link Filter#authenticates()}.
 * <ul>
 *   <li>a consumer identified by an earlier filter (not an anonymous one): proceed without looking;</li>
 *   <li>no credential of this filter's kind: record the challenge, admit the configured anonymous consumer if no
 *       consumer is set yet, proceed (the core's gate refuses what nobody identified);</li>
 *   <li>a credential: {@link #verify} decides, with the consumer or a refusal.</li>
 * </ul>
 * In every case the filter's own credential is removed from the request (unless configured to keep it), so a key or
 * password reaches the upstream only when the operator asked for it.
 *
 * @param <C> what the filter reads from a request: a key, a user name and password
 */
abstract class CredentialFilter<C> implements Filter {

    private final String challenge;
    private final Consumer anonymous;
    private final System.Logger logger;

    /**
     * @param challenge the {@code WWW-Authenticate} challenge of this filter's scheme
     * @param anonymous the consumer admitted without a credential, or {@code null}
     * @param logger    where refusals are logged
     */
    CredentialFilter(String challenge, String anonymous, System.Logger logger) {
        this.challenge = challenge;
        this.anonymous = anonymous == null ? null : Consumer.anonymous(anonymous);
        this.logger = logger;
    }

    /**
     * Finds this filter's credential in the request.
     *
     * @return the credential, or {@code null} when the request carries none of this kind
     * @throws GatewayException when the request carries more than one, or one that cannot be read (use
     *                          {@link #refuse})
     */
    abstract C find(Exchange exchange);

    /**
     * Checks a credential.
     *
     * @return the consumer it identifies, never {@code null}
     * @throws GatewayException when it identifies no one (use {@link #refuse})
     */
    abstract Consumer verify(C credential, Exchange exchange);

    /** Removes this filter's credential from the request before it goes upstream (unless configured to keep it). */
    abstract void strip(Request request);

    @Override
    public final Response filter(Exchange exchange, Chain chain) throws Exception {
        Consumer identified = exchange.authenticated().orElse(null);
        if (identified != null && !identified.isAnonymous()) {
            strip(exchange.request());
            return chain.proceed(exchange);
        }
        C credential = find(exchange);
        if (credential == null) {
            exchange.challenge(challenge);
            if (anonymous != null && identified == null) {
                exchange.authenticate(anonymous);
            }
            return chain.proceed(exchange);
        }
        Consumer consumer = verify(credential, exchange);
        strip(exchange.request());
        exchange.authenticate(consumer);
        return chain.proceed(exchange);
    }

    @Override
    public final boolean authenticates() {
        return true;
    }

    /**
     * Logs a refusal (one line, at INFO, with the request id) and makes the exception that answers it.
     *
     * @param status  the HTTP status, 400 or 401
     * @param code    the problem code
     * @param message what the client is told; no secret
     * @param reason  what the log says; no secret
     * @return the exception to throw; a 401 carries this filter's challenge
     */
    final GatewayException refuse(Exchange exchange, int status, String code, String message, String reason) {
        logger.log(Level.INFO, () -> "request " + exchange.requestId() + " on route '" + exchange.routeId() + "': "
                + status + " " + code + ", " + reason);
        GatewayException refusal = new GatewayException(status, code, message);
        return status == 401 ? refusal.header("WWW-Authenticate", challenge) : refusal;
    }

    /** The challenge parameter {@code realm="..."}: the realm is checked by {@link #validateCommon}. */
    static String realmParameter(String realm) {
        return "realm=\"" + realm + "\"";
    }

    /** Checks the keys every filter of this plugin has: {@code realm} and {@code anonymous}. */
    static void validateCommon(String realm, String anonymous, Problems problems) {
        if (realm.isEmpty()) {
            problems.add("realm", "must not be empty");
        }
        for (int i = 0; i < realm.length(); i++) {
            char c = realm.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
                problems.add("realm", "may hold printable ASCII except '\"' and '\\' (it is sent in a quoted string),"
                        + " found " + (c < 0x20 || c >= 0x7f ? "U+%04X".formatted((int) c) : "'" + c + "'"));
                break;
            }
        }
        if (anonymous != null && anonymous.isBlank()) {
            problems.add("anonymous", "must not be blank (leave it out to admit no one without a credential)");
        }
    }
}
