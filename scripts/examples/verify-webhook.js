// Accepts a webhook only when its signature header is the HMAC-SHA-256 of the body with the shared secret
// (GitHub's `X-Hub-Signature-256: sha256=<hex>` by default), compared in constant time; else 401.
// config: { secret: "...", header: "X-Hub-Signature-256" }
import { verify } from './lib/hmac.js';

/** @type {import('../gatehouse').FilterFunction} */
export async function filter(exchange, chain, config) {
    if (typeof config.secret !== 'string' || config.secret === '') {
        throw new Error('verify-webhook.js needs config.secret');
    }
    const header = exchange.request.headers.get(config.header ?? 'X-Hub-Signature-256') ?? '';
    const signature = header.startsWith('sha256=') ? header.slice('sha256='.length) : '';
    if (!(await verify(config.secret, exchange.request.body.text(), signature))) {
        log.warn('webhook refused: bad or missing signature');
        return Response.json({ error: 'bad or missing signature' }, 401);
    }
    return chain.proceed(exchange);
}
