// Signs what goes upstream, so the upstream can tell the request passed the gateway: X-Gatehouse-Timestamp
// (Unix seconds) and X-Gatehouse-Signature: sha256=<hex HMAC-SHA-256 of "METHOD\nPATH\nTIMESTAMP">.
// config: { secret: "..." }
import { sign } from './lib/hmac.js';

/** @type {import('../gatehouse').FilterFunction} */
export async function filter(exchange, chain, config) {
    const request = exchange.request;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = await sign(config.secret, [request.method, request.path, timestamp].join('\n'));
    request.headers.set('X-Gatehouse-Timestamp', timestamp);
    request.headers.set('X-Gatehouse-Signature', 'sha256=' + signature);
    return chain.proceed(exchange);
}
