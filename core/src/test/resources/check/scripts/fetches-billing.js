export async function filter(exchange, chain, config) {
    const invoices = await exchange.upstreams.fetch('billing', { path: '/invoices' });
    return chain.proceed(exchange);
}
