// The script API, built once per Context before the user's module is evaluated. Host objects stay inside
// closures and private fields: a script sees plain JS objects, never a Java object it could inspect.
// Evaluates to a function (responses, scriptLog) -> run(filter, call, configJson).
(function (responses, scriptLog) {
    'use strict';
    const freeze = Object.freeze;
    let current = null;

    const text = (value) => typeof value === 'string' ? value : JSON.stringify(value);
    const message = (args) => args.map(a => typeof a === 'string' ? a : safeJson(a)).join(' ');
    function safeJson(value) {
        try {
            return value instanceof Error ? String(value) : JSON.stringify(value);
        } catch (e) {
            return String(value);
        }
    }

    // The request and response header views are one class built here once per Context: a call allocates small
    // instances whose methods live on a frozen prototype, not a fresh set of closures per request.
    class HeaderView {
        #host;

        constructor(host) {
            this.#host = host;
            freeze(this);
        }

        get(name) { return this.#host.header(String(name)); }
        getAll(name) { return Array.from(this.#host.headerAll(String(name))); }
        has(name) { return this.#host.header(String(name)) !== null; }
        set(name, value) { this.#host.headerSet(String(name), String(value)); }
        add(name, value) { this.#host.headerAdd(String(name), String(value)); }
        remove(name) { return this.#host.headerRemove(String(name)); }
        names() { return Array.from(this.#host.headerNames()); }
    }
    freeze(HeaderView.prototype);

    class GatewayResponse {
        #host;
        #headers;

        constructor(host) {
            this.#host = host;
        }

        static unwrap(value) {
            return value !== null && typeof value === 'object' && #host in value ? value.#host : undefined;
        }

        get status() { return this.#host.status(); }
        set status(value) { this.#host.setStatus(checkStatus(value)); }
        get headers() { return this.#headers ??= new HeaderView(this.#host); }
        text() { return this.#host.text(); }
        json() { return JSON.parse(this.#host.text()); }
        set body(value) {
            if (typeof value === 'string') {
                this.#host.setBody(value, null);
            } else {
                this.#host.setBody(JSON.stringify(value ?? null), 'application/json');
            }
        }
    }
    freeze(GatewayResponse.prototype);

    function checkStatus(value) {
        if (!Number.isInteger(value) || value < 100 || value > 599) {
            throw new TypeError('status must be an integer 100..599, got ' + safeJson(value));
        }
        return value;
    }

    const Response = freeze({
        json: (value, status = 200) => new GatewayResponse(responses.json(checkStatus(status), JSON.stringify(value ?? null))),
        text: (value, status = 200) => new GatewayResponse(responses.text(checkStatus(status), String(value))),
    });

    function fromPlain(value) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            return undefined;
        }
        const status = value.status === undefined ? 200 : value.status;
        if (!Number.isInteger(status) || status < 100 || status > 599) {
            return undefined;
        }
        let body = '';
        let type = null;
        if (typeof value.body === 'string') {
            body = value.body;
        } else if (value.body !== undefined && value.body !== null) {
            body = JSON.stringify(value.body);
            type = 'application/json';
        }
        const host = responses.text(status, body);
        host.headerRemove('Content-Type');
        if (type !== null) {
            host.headerSet('Content-Type', type);
        }
        for (const [name, v] of Object.entries(value.headers ?? {})) {
            for (const one of Array.isArray(v) ? v : [v]) {
                host.headerAdd(name, String(one));
            }
        }
        return host;
    }

    function toHost(value) {
        const wrapped = GatewayResponse.unwrap(value);
        if (wrapped !== undefined) {
            return wrapped;
        }
        const plain = fromPlain(value);
        if (plain === undefined) {
            throw new MalformedResult('filter must return a response (chain.proceed(...), Response.json/text(...) '
                + 'or {status, headers, body}), got ' + describe(value));
        }
        return plain;
    }

    class MalformedResult extends Error {
    }

    function describe(value) {
        if (value === undefined || value === null) {
            return String(value);
        }
        const json = safeJson(value);
        return typeof value + ' ' + (json !== undefined && json.length > 80 ? json.slice(0, 80) + '...' : json);
    }

    const log = freeze({
        info: (...args) => (current ?? scriptLog).log('INFO', message(args)),
        warn: (...args) => (current ?? scriptLog).log('WARNING', message(args)),
        error: (...args) => (current ?? scriptLog).log('ERROR', message(args)),
    });

    class QueryView {
        #call;

        constructor(call) {
            this.#call = call;
            freeze(this);
        }

        get(name) { return this.#call.queryGet(String(name)); }
        getAll(name) { return Array.from(this.#call.queryAll(String(name))); }
        has(name) { return this.#call.queryGet(String(name)) !== null; }
        set(name, value) { this.#call.querySet(String(name), String(value)); }
        remove(name) { this.#call.queryRemove(String(name)); }
        toString() { return this.#call.rawQuery(); }
    }
    freeze(QueryView.prototype);

    function encodeQuery(query) {
        if (query === undefined || query === null) {
            return '';
        }
        if (typeof query === 'string') {
            return query.startsWith('?') ? query.slice(1) : query;
        }
        const parts = [];
        for (const [name, v] of Object.entries(query)) {
            for (const one of Array.isArray(v) ? v : [v]) {
                parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(one)));
            }
        }
        return parts.join('&');
    }

    function upstreamError(upstream, code, detail) {
        const error = new Error(detail);
        error.code = code;
        error.upstream = upstream;
        return error;
    }

    class RequestBody {
        #call;

        constructor(call) {
            this.#call = call;
            freeze(this);
        }

        text() { return this.#call.requestText(); }
        json() { return JSON.parse(this.#call.requestText()); }
    }
    freeze(RequestBody.prototype);

    // Views are made on first use: a filter that never reads the query or the body allocates no view for it.
    class GatewayRequest {
        #call;
        #headers;
        #query;
        #body;
        #params;

        constructor(call) {
            this.#call = call;
            freeze(this);
        }

        get method() { return this.#call.method(); }
        get path() { return this.#call.path(); }
        set path(value) { this.#call.setPath(String(value)); }
        get rawQuery() { return this.#call.rawQuery(); }
        set rawQuery(value) { this.#call.setRawQuery(String(value ?? '')); }
        get query() { return this.#query ??= new QueryView(this.#call); }
        get params() { return this.#params ??= freeze(Object.assign({}, this.#call.params())); }
        get headers() { return this.#headers ??= new HeaderView(this.#call); }
        get body() { return this.#body ??= new RequestBody(this.#call); }
        get clientIp() { return this.#call.clientIp(); }
    }
    freeze(GatewayRequest.prototype);

    // exchange.attributes: a Proxy over an empty target that carries the call in a private field; the handler is
    // one object per Context.
    class AttributeTarget {
        #call;

        constructor(call) {
            this.#call = call;
        }

        static call(target) {
            return target.#call;
        }
    }
    const callOf = AttributeTarget.call;
    const attributeHandler = freeze({
        get: (target, name) => typeof name === 'string' ? callOf(target).attribute(name) ?? undefined : undefined,
        set: (target, name, value) => {
            if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
                throw new TypeError('exchange.attributes.' + String(name) + ': only strings, numbers, booleans and null');
            }
            callOf(target).setAttribute(String(name), value);
            return true;
        },
        has: (target, name) => typeof name === 'string' && callOf(target).hasAttribute(name),
        deleteProperty: (target, name) => { callOf(target).removeAttribute(String(name)); return true; },
        ownKeys: (target) => Array.from(callOf(target).attributeNames()),
        getOwnPropertyDescriptor: (target, name) => callOf(target).hasAttribute(String(name))
            ? { value: callOf(target).attribute(String(name)), writable: true, enumerable: true, configurable: true }
            : undefined,
    });

    class Upstreams {
        #call;

        constructor(call) {
            this.#call = call;
            freeze(this);
        }

        fetch(name, options = {}) {
            const call = this.#call;
            return new Promise((resolve, reject) => {
                const flat = [];
                for (const [h, v] of Object.entries(options.headers ?? {})) {
                    for (const one of Array.isArray(v) ? v : [v]) {
                        flat.push(String(h), String(one));
                    }
                }
                let body = null;
                let type = null;
                if (typeof options.body === 'string') {
                    body = options.body;
                } else if (options.body !== undefined && options.body !== null) {
                    body = JSON.stringify(options.body);
                    type = 'application/json';
                }
                call.fetch(String(name), String(options.method ?? 'GET'), String(options.path ?? '/'),
                    encodeQuery(options.query), flat, body, type,
                    options.timeout === undefined ? -1 : Number(options.timeout),
                    (host) => resolve(new GatewayResponse(host)),
                    (code, detail) => reject(upstreamError(name, code, detail)));
            });
        }
    }
    freeze(Upstreams.prototype);

    class Exchange {
        #call;
        #request;
        #attributes;
        #upstreams;

        constructor(call) {
            this.#call = call;
            this.#request = new GatewayRequest(call);
            freeze(this);
        }

        get requestId() { return this.#call.requestId(); }
        get routeId() { return this.#call.routeId(); }
        get request() { return this.#request; }
        get consumer() { return this.#call.consumer(); }
        set consumer(value) { this.#call.setConsumer(String(value)); }
        get attributes() { return this.#attributes ??= new Proxy(new AttributeTarget(this.#call), attributeHandler); }
        get upstreams() { return this.#upstreams ??= new Upstreams(this.#call); }
    }
    freeze(Exchange.prototype);

    class Chain {
        #call;
        #exchange;
        #proceeded = false;

        constructor(call, exchange) {
            this.#call = call;
            this.#exchange = exchange;
            freeze(this);
        }

        proceed(ex) {
            if (ex !== this.#exchange) {
                throw new TypeError('chain.proceed(exchange) takes the exchange passed to filter');
            }
            if (this.#proceeded) {
                throw new Error('chain.proceed() called more than once');
            }
            this.#proceeded = true;
            return new GatewayResponse(this.#call.proceed());
        }
    }
    freeze(Chain.prototype);

    const configs = new Map();

    function configFor(json) {
        let config = configs.get(json);
        if (config === undefined) {
            config = deepFreeze(JSON.parse(json));
            configs.set(json, config);
        }
        return config;
    }

    function deepFreeze(value) {
        if (value !== null && typeof value === 'object') {
            Object.values(value).forEach(deepFreeze);
            freeze(value);
        }
        return value;
    }

    Object.defineProperty(globalThis, 'Response', { value: Response, enumerable: false });
    Object.defineProperty(globalThis, 'log', { value: log, enumerable: false });

    // The outcome reaches the host through call.resolved / call.rejected: at once for a synchronous filter,
    // later (as the host delivers fetch results) for an async one. A throw from filter itself propagates.
    return function run(filter, call, configJson) {
        current = call;
        const exchange = new Exchange(call);
        // current stays set after the call: a finished call logs without its request id (see ScriptCall.log)
        const result = filter(exchange, new Chain(call, exchange), configFor(configJson));
        if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
            result.then(
                (value) => settle(call, value),
                (e) => call.rejected(e, false));
        } else {
            settle(call, result);
        }
    };

    function settle(call, value) {
        let host;
        try {
            host = toHost(value);
        } catch (e) {
            call.rejected(e, true);
            return;
        }
        call.resolved(host);
    }
})
