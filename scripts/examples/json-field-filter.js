// Response shaping: drops fields from a JSON answer, at any depth (arrays included), before the client sees it.
// config.drop lists the field names; the default drops the usual secrets.
//
//   - script: { file: examples/json-field-filter.js, config: { drop: [password, ssn, internal_notes] } }

const DEFAULT_DROP = ['password', 'password_hash', 'ssn', 'secret'];

function strip(value, drop) {
    if (Array.isArray(value)) {
        return value.map((item) => strip(item, drop));
    }
    if (value !== null && typeof value === 'object') {
        const kept = {};
        for (const [key, field] of Object.entries(value)) {
            if (!drop.has(key)) {
                kept[key] = strip(field, drop);
            }
        }
        return kept;
    }
    return value;
}

/** @type {import('../gatehouse').FilterFunction} */
export function filter(exchange, chain, config) {
    const response = chain.proceed(exchange);
    const type = response.headers.get('Content-Type') ?? '';
    if (!type.includes('json')) {
        return response;
    }
    response.body = strip(response.json(), new Set(config.drop ?? DEFAULT_DROP));
    return response;
}
