// Adds headers on the way in and on the way out. config.request / config.response map header names to values;
// without config it tags the request with the client address and the response with the gateway's name.
//
//   - script: { file: examples/add-headers.js, config: { request: { X-Tenant: acme }, response: { X-Frame-Options: DENY } } }

/** @type {import('../gatehouse').FilterFunction} */
export function filter(exchange, chain, config) {
    const request = exchange.request;
    const toUpstream = config.request ?? { 'X-Client-Ip': request.clientIp };
    for (const [name, value] of Object.entries(toUpstream)) {
        request.headers.set(name, String(value));
    }
    const response = chain.proceed(exchange);
    const toClient = config.response ?? { 'X-Served-By': 'gatehouse' };
    for (const [name, value] of Object.entries(toClient)) {
        response.headers.set(name, String(value));
    }
    return response;
}
