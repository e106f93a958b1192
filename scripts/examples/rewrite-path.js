// Rewrites the request path before it goes upstream: a prefix swap (config.from → config.to) and, for
// /legacy/users?id=7 style requests, the id query parameter moved into the path (/v2/users/7).
//
//   - script: { file: examples/rewrite-path.js, config: { from: /legacy/, to: /v2/ } }

/** @type {import('../gatehouse').FilterFunction} */
export function filter(exchange, chain, config) {
    const request = exchange.request;
    const from = config.from ?? '/legacy/';
    const to = config.to ?? '/v2/';
    if (request.path.startsWith(from)) {
        request.path = to + request.path.slice(from.length);
    }
    const id = request.query.get('id');
    if (id !== null && request.path.endsWith('/users')) {
        request.path += '/' + encodeURIComponent(id);
        request.query.remove('id');
    }
    return chain.proceed(exchange);
}
