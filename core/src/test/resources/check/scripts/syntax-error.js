export function filter(exchange, chain, config) {
    return chain.proceed(exchange;
}
