// The script API, built once per Context before the user's module is evaluated. Host objects stay inside this
// closure: a script sees plain JS objects, never a Java object it could inspect.
// Evaluates to a function (responses, scriptLog, installWeb) -> run(filter, call, configJson); installWeb(reportError)
// installs the web-standard globals of web.js (ScriptHost composes the two).
//
// Speed (the engine is shared by every Context of every script, and so is its compiled code): the objects a call
// hands out are instances of classes defined here, their methods on frozen prototypes, so a call allocates a few
// small objects instead of a closure per method. They hold no private fields (#x): a private name is made anew
// each time the class is evaluated, that is per Context, and code shared by a pool of Contexts then meets as many
// object layouts as there are Contexts and falls back to uncached property access. An instance holds only the
// number of the call it belongs to (g) and, for responses, its index among the call's host responses (i); the
// host objects stay in the variables below, and an object of an earlier call refuses use. Instances are not
// frozen (their methods and accessors are, on the prototypes): freezing an object per call changes property
// flags through the engine's shared shape tree, which takes a lock every Context contends for and invalidates
// compiled code (seen as calls blocked for over 50 ms, cut by the time limit).
(function (responses, scriptLog, installWeb) {
    'use strict';
    const freeze = Object.freeze;
    let current = null;         // the running call (stays set after it: log then omits the request id)
    let generation = 0;         // the number of the running call, in this Context
    let hosts = [];             // the running call's HostResponses, by GatewayResponse.i
    let views = [];             // their header views, made on first use
    let exchangeOfCall = null;
    let requestOfCall = null;
    let proceeded = false;
    let requestHeaders, queryView, requestBody, params, attributes, upstreams;

    function live(g) {
        if (g !== generation) {
            throw new Error('this object belongs to a request that has finished; '
                + 'keep no exchange, request or response objects between calls');
        }
        return current;
    }

    function hostOf(g, i) {
        live(g);
        return hosts[i];
    }

    const text = (value) => typeof value === 'string' ? value : JSON.stringify(value);
    // A log line holds at most MESSAGE_LIMIT characters of the script's values.
    const MESSAGE_LIMIT = 8192;
    function message(args) {
        const text = args.map(a => typeof a === 'string' ? a : safeJson(a)).join(' ');
        return text.length <= MESSAGE_LIMIT ? text
            : text.slice(0, MESSAGE_LIMIT) + '... (' + (text.length - MESSAGE_LIMIT) + ' more characters)';
    }
    function safeJson(value) {
        try {
            return value instanceof Error ? String(value) : JSON.stringify(value);
        } catch (e) {
            return String(value);
        }
    }

    // Headers of the request (i < 0) or of the call's response number i.
    class HeaderView {
        constructor(g, i) {
            this.g = g;
            this.i = i;
        }

        get(name) { return headerHost(this).header(String(name)); }
        getAll(name) { return Array.from(headerHost(this).headerAll(String(name))); }
        has(name) { return headerHost(this).header(String(name)) !== null; }
        set(name, value) { headerHost(this).headerSet(String(name), String(value)); }
        add(name, value) { headerHost(this).headerAdd(String(name), String(value)); }
        remove(name) { return headerHost(this).headerRemove(String(name)); }
        names() { return Array.from(headerHost(this).headerNames()); }
    }
    freeze(HeaderView.prototype);

    function headerHost(view) {
        return view.i < 0 ? live(view.g) : hostOf(view.g, view.i);
    }

    class GatewayResponse {
        constructor(host) {
            this.g = generation;
            this.i = hosts.push(host) - 1;
        }

        static unwrap(value) {
            return value instanceof GatewayResponse ? hostOf(value.g, value.i) : undefined;
        }

        get status() { return hostOf(this.g, this.i).status(); }
        set status(value) { hostOf(this.g, this.i).setStatus(checkStatus(value)); }
        get headers() {
            hostOf(this.g, this.i);
            return views[this.i] ??= new HeaderView(this.g, this.i);
        }
        text() { return hostOf(this.g, this.i).text(); }
        json() { return JSON.parse(hostOf(this.g, this.i).text()); }
        set body(value) {
            const host = hostOf(this.g, this.i);
            if (typeof value === 'string') {
                host.setBody(value, null);
            } else {
                host.setBody(JSON.stringify(value ?? null), 'application/json');
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

    // console.* as browsers and Node have it, into the same log as log.* (console.log and console.debug at INFO)
    const console = freeze({
        log: log.info,
        info: log.info,
        debug: log.info,
        warn: log.warn,
        error: log.error,
    });

    class QueryView {
        constructor(g) {
            this.g = g;
        }

        get(name) { return live(this.g).queryGet(String(name)); }
        getAll(name) { return Array.from(live(this.g).queryAll(String(name))); }
        has(name) { return live(this.g).queryGet(String(name)) !== null; }
        set(name, value) { live(this.g).querySet(String(name), String(value)); }
        remove(name) { live(this.g).queryRemove(String(name)); }
        toString() { return live(this.g).rawQuery(); }
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

    // status: what the client gets when the script lets the error through (502-504: the upstream's fault)
    function upstreamError(upstream, code, detail, status) {
        const error = new Error(detail);
        error.code = code;
        error.upstream = upstream;
        error.status = status;
        return error;
    }

    class RequestBody {
        constructor(g) {
            this.g = g;
        }

        text() { return live(this.g).requestText(); }
        json() { return JSON.parse(live(this.g).requestText()); }
    }
    freeze(RequestBody.prototype);

    // The views of a request are made on first use, once per call: a filter that never reads the query or the
    // body allocates nothing for them.
    class GatewayRequest {
        constructor(g) {
            this.g = g;
        }

        get method() { return live(this.g).method(); }
        get path() { return live(this.g).path(); }
        set path(value) { live(this.g).setPath(String(value)); }
        get rawQuery() { return live(this.g).rawQuery(); }
        set rawQuery(value) { live(this.g).setRawQuery(String(value ?? '')); }
        get query() {
            live(this.g);
            return queryView ??= new QueryView(this.g);
        }
        get params() {
            const call = live(this.g);
            return params ??= Object.assign({}, call.params());
        }
        get headers() {
            live(this.g);
            return requestHeaders ??= new HeaderView(this.g, -1);
        }
        get body() {
            live(this.g);
            return requestBody ??= new RequestBody(this.g);
        }
        get clientIp() { return live(this.g).clientIp(); }
    }
    freeze(GatewayRequest.prototype);

    // exchange.attributes: a Proxy whose target only carries the call's number; one handler per Context.
    const attributeHandler = freeze({
        get: (target, name) => typeof name === 'string' ? live(target.g).attribute(name) ?? undefined : undefined,
        set: (target, name, value) => {
            if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
                throw new TypeError('exchange.attributes.' + String(name) + ': only strings, numbers, booleans and null');
            }
            live(target.g).setAttribute(String(name), value);
            return true;
        },
        has: (target, name) => typeof name === 'string' && live(target.g).hasAttribute(name),
        deleteProperty: (target, name) => { live(target.g).removeAttribute(String(name)); return true; },
        ownKeys: (target) => Array.from(live(target.g).attributeNames()),
        getOwnPropertyDescriptor: (target, name) => live(target.g).hasAttribute(String(name))
            ? { value: live(target.g).attribute(String(name)), writable: true, enumerable: true, configurable: true }
            : undefined,
        defineProperty: () => false,
    });

    class Upstreams {
        constructor(g) {
            this.g = g;
        }

        fetch(name, options = {}) {
            const call = live(this.g);
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
                    (code, detail, status) => reject(upstreamError(name, code, detail, status)));
            });
        }
    }
    freeze(Upstreams.prototype);

    class Exchange {
        constructor(g) {
            this.g = g;
        }

        get request() {
            live(this.g);
            return requestOfCall;
        }
        get requestId() { return live(this.g).requestId(); }
        get routeId() { return live(this.g).routeId(); }
        get consumer() {
            const json = live(this.g).consumerJson();
            return json == null ? null : JSON.parse(json);  // a copy: changing it changes nothing
        }
        set consumer(value) {
            if (value == null) {
                live(this.g).setConsumer(null, null);
            } else if (typeof value === 'object') {
                const groups = Array.isArray(value.groups) ? value.groups.map(String) : [];
                if (groups.some(g => g.trim().length === 0 || /[\x00-\x1f\x7f,]/.test(g))) {
                    throw new TypeError('consumer groups must be non-blank, without commas or control characters');
                }
                live(this.g).setConsumer(String(value.id), groups.join('\n'));
            } else {
                live(this.g).setConsumer(String(value), null);
            }
        }
        get attributes() {
            live(this.g);
            return attributes ??= new Proxy({ g: this.g }, attributeHandler);
        }
        get upstreams() {
            live(this.g);
            return upstreams ??= new Upstreams(this.g);
        }
    }
    freeze(Exchange.prototype);

    class Chain {
        constructor(g) {
            this.g = g;
        }

        proceed(ex) {
            const call = live(this.g);
            if (ex !== exchangeOfCall) {
                throw new TypeError('chain.proceed(exchange) takes the exchange passed to filter');
            }
            if (proceeded) {
                throw new Error('chain.proceed() called more than once');
            }
            proceeded = true;
            return new GatewayResponse(call.proceed());
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
    Object.defineProperty(globalThis, 'console', { value: console, writable: true, configurable: true, enumerable: false });
    installWeb((e) => log.error('queueMicrotask callback threw:', e instanceof Error ? e.stack ?? String(e) : e));

    // The outcome reaches the host through call.resolved / call.rejected: at once for a synchronous filter,
    // later (as the host delivers fetch results) for an async one. A throw from filter itself propagates.
    return function run(filter, call, configJson) {
        current = call;
        const g = ++generation;
        hosts = [];
        views = [];
        proceeded = false;
        requestHeaders = queryView = requestBody = params = attributes = upstreams = undefined;
        requestOfCall = new GatewayRequest(g);
        const exchange = exchangeOfCall = new Exchange(g);
        const result = filter(exchange, new Chain(g), configFor(configJson));
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
