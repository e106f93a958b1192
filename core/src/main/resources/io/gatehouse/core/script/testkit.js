// The test API of `gatehouse script test` (docs/scripting.md, "Testing scripts"), installed after the prelude in
// the Context of a *.test.js file: test, expect, and fakes of the exchange, the chain, a response and named
// upstreams, shaped like the gateway's objects (gatehouse.d.ts). Evaluates to a function () -> { run, results }, run by ScriptTests.
(function () {
    'use strict';
    const tests = [];
    let outcome = null;

    function define(name, value) {
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
    }

    // ---- assertions ----

    const show = (value) => {
        try {
            return typeof value === 'string' ? JSON.stringify(value)
                : value instanceof Error ? String(value) : JSON.stringify(value) ?? String(value);
        } catch (e) {
            return String(value);
        }
    };

    function equal(a, b) {
        if (Object.is(a, b)) {
            return true;
        }
        if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object'
            || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
            return false;
        }
        if (a instanceof Date) {
            return a.getTime() === b.getTime();
        }
        if (a instanceof Map || a instanceof Set) {
            return equal([...a], [...b]);
        }
        if (ArrayBuffer.isView(a)) {
            return equal(Array.from(a), Array.from(b));
        }
        const keys = Object.keys(a);
        return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
    }

    function thrownMatches(error, expected) {
        const message = String(error?.message ?? error);
        return expected === undefined || (expected instanceof RegExp ? expected.test(message)
            : typeof expected === 'function' ? error instanceof expected : message.includes(String(expected)));
    }

    // each matcher: (actual, ...expected) -> [passed, what was expected (for the message)]
    const matchers = {
        toBe: (a, e) => [Object.is(a, e), 'to be ' + show(e)],
        toEqual: (a, e) => [equal(a, e), 'to equal ' + show(e)],
        toBeTruthy: (a) => [Boolean(a), 'to be truthy'],
        toBeFalsy: (a) => [!a, 'to be falsy'],
        toBeNull: (a) => [a === null, 'to be null'],
        toBeUndefined: (a) => [a === undefined, 'to be undefined'],
        toBeDefined: (a) => [a !== undefined, 'to be defined'],
        toContain: (a, e) => [(typeof a === 'string' || Array.isArray(a)) && a.includes(e), 'to contain ' + show(e)],
        toMatch: (a, e) => [typeof a === 'string' && (e instanceof RegExp ? e.test(a) : a.includes(e)), 'to match ' + String(e)],
        toHaveLength: (a, n) => [a?.length === n, 'to have length ' + n],
        toBeGreaterThan: (a, n) => [a > n, 'to be greater than ' + n],
        toBeLessThan: (a, n) => [a < n, 'to be less than ' + n],
        toThrow: (a, e) => {
            if (typeof a !== 'function') {
                return [false, 'to be a function that throws'];
            }
            try {
                a();
            } catch (error) {
                return [thrownMatches(error, e), 'to throw ' + (e === undefined ? 'anything' : show(String(e))) + ', threw ' + show(error)];
            }
            return [false, 'to throw' + (e === undefined ? '' : ' ' + show(String(e)))];
        },
    };

    class AssertionError extends Error {
    }
    AssertionError.prototype.name = 'AssertionError';

    function expectations(actual, negated, shown = show(actual)) {
        const result = {};
        for (const [name, matcher] of Object.entries(matchers)) {
            result[name] = (...expected) => {
                const [passed, what] = matcher(actual, ...expected);
                if (passed === negated) {
                    throw new AssertionError('expected ' + shown + (negated ? ' not ' : ' ') + what);
                }
            };
        }
        return result;
    }

    function expect(actual) {
        const positive = expectations(actual, false);
        positive.not = expectations(actual, true);
        positive.rejects = {
            async toThrow(expected) {
                try {
                    await actual;
                } catch (error) {
                    if (!thrownMatches(error, expected)) {
                        throw new AssertionError('expected the promise to reject with ' + show(String(expected)) + ', got ' + show(error));
                    }
                    return;
                }
                throw new AssertionError('expected the promise to reject');
            },
        };
        return positive;
    }

    // ---- fakes, shaped like the gateway's objects ----

    class FakeHeaders {
        constructor(init = {}) {
            this.list = [];
            for (const [name, v] of Object.entries(init)) {
                for (const one of Array.isArray(v) ? v : [v]) {
                    this.add(name, one);
                }
            }
        }

        get(name) { return this.list.find(([n]) => n.toLowerCase() === String(name).toLowerCase())?.[1] ?? null; }
        getAll(name) { return this.list.filter(([n]) => n.toLowerCase() === String(name).toLowerCase()).map(([, v]) => v); }
        has(name) { return this.get(name) !== null; }
        set(name, value) {
            this.remove(name);
            this.add(name, value);
        }
        add(name, value) {
            if (/[\r\n\0]/.test(String(name) + String(value))) {
                throw new TypeError('header ' + name + ': CR, LF and NUL are not allowed');
            }
            this.list.push([String(name), String(value)]);
        }
        remove(name) {
            const before = this.list.length;
            this.list = this.list.filter(([n]) => n.toLowerCase() !== String(name).toLowerCase());
            return this.list.length !== before;
        }
        names() { return [...new Set(this.list.map(([n]) => n))]; }
        /** name (lower case) → value, or values when repeated: for assertions */
        toJSON() {
            const out = {};
            for (const [n, v] of this.list) {
                const key = n.toLowerCase();
                out[key] = key in out ? [].concat(out[key], v) : v;
            }
            return out;
        }
    }

    const bodyText = (body) => body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);

    class FakeResponse {
        constructor({ status = 200, headers = {}, body } = {}) {
            this.status = status;
            this.headers = headers instanceof FakeHeaders ? headers : new FakeHeaders(headers);
            this.content = bodyText(body);
            if (body !== undefined && body !== null && typeof body !== 'string' && !this.headers.has('Content-Type')) {
                this.headers.set('Content-Type', 'application/json');
            }
        }

        text() { return this.content; }
        json() { return JSON.parse(this.content); }
        set body(value) {
            this.content = bodyText(value);
            if (typeof value !== 'string') {
                this.headers.set('Content-Type', 'application/json');
            }
        }
    }

    // what a filter returned, as a FakeResponse (a Response.json/text, a response from the chain or a plain object)
    function asResponse(value) {
        if (value instanceof FakeResponse) {
            return value;
        }
        if (value !== null && typeof value === 'object' && typeof value.text === 'function' && value.headers?.names) {
            const headers = new FakeHeaders();
            value.headers.names().forEach((n) => value.headers.getAll(n).forEach((v) => headers.add(n, v)));
            return new FakeResponse({ status: value.status, headers, body: value.text() });
        }
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
            return new FakeResponse(value);
        }
        throw new AssertionError('the filter returned something that is not a response: ' + show(value));
    }

    function queryText(query) {
        if (query === undefined || query === null) {
            return '';
        }
        return typeof query === 'string' ? query.replace(/^\?/, '') : new URLSearchParams(
            Object.entries(query).flatMap(([n, v]) => (Array.isArray(v) ? v : [v]).map((one) => [n, String(one)]))).toString();
    }

    function fakeRequest(init) {
        const request = {
            method: init.method ?? 'GET',
            path: init.path ?? '/',
            rawQuery: queryText(init.query),
            headers: new FakeHeaders(init.headers),
            params: Object.freeze({ ...(init.params ?? {}) }),
            clientIp: init.clientIp ?? '127.0.0.1',
            body: Object.freeze({
                text: () => bodyText(init.body),
                json: () => JSON.parse(bodyText(init.body)),
            }),
        };
        const params = () => new URLSearchParams(request.rawQuery);
        request.query = Object.freeze({
            get: (name) => params().get(name),
            getAll: (name) => params().getAll(name),
            has: (name) => params().has(name),
            set(name, value) {
                const p = params();
                p.set(name, value);
                request.rawQuery = p.toString();
            },
            remove(name) {
                const p = params();
                p.delete(name);
                request.rawQuery = p.toString();
            },
            toString: () => request.rawQuery,
        });
        return request;
    }

    // a fetch rejection as the gateway makes it
    function fetchError(upstream, code, message, status) {
        const error = new Error(message);
        Object.assign(error, { code, upstream, status });
        return error;
    }

    function mockExchange(init = {}) {
        const fetches = [];
        const upstreams = init.upstreams ?? {};
        let consumer = init.consumer ?? null;
        const exchange = {
            requestId: init.requestId ?? 'test-request',
            routeId: init.routeId ?? 'test-route',
            request: fakeRequest(init),
            attributes: { ...(init.attributes ?? {}) },
            get consumer() { return consumer === null ? null : structuredClone(consumer); },
            set consumer(value) {
                consumer = value === null || value === undefined ? null : typeof value === 'object'
                    ? { id: String(value.id), credential: 'script', groups: (value.groups ?? []).map(String), attributes: {} }
                    : { id: String(value), credential: 'script', groups: [], attributes: {} };
            },
            fetches,
            upstreams: Object.freeze({
                fetch(name, options = {}) {
                    const call = {
                        upstream: name, method: options.method ?? 'GET', path: options.path ?? '/',
                        query: queryText(options.query), headers: new FakeHeaders(options.headers ?? {}).toJSON(),
                        body: options.body === undefined ? null : bodyText(options.body),
                    };
                    fetches.push(call);
                    const handler = upstreams[name];
                    if (handler === undefined) {
                        return Promise.reject(fetchError(name, 'unknown_upstream', "no upstream named '" + name
                            + "' in the test (known: " + Object.keys(upstreams).join(', ') + ')', 500));
                    }
                    return new Promise((resolve) => resolve(typeof handler === 'function' ? handler(call) : handler))
                        .then((value) => value instanceof Error ? Promise.reject(value) : new FakeResponse(value));
                },
            }),
        };
        return exchange;
    }

    function mockChain(respond = { status: 200 }) {
        const chain = {
            calls: 0,
            request: null,
            proceed(exchange) {
                if (chain.calls > 0) {
                    throw new Error('chain.proceed() called more than once');
                }
                chain.calls++;
                const r = exchange.request;
                chain.request = {
                    method: r.method, path: r.path, rawQuery: r.rawQuery, headers: r.headers.toJSON(),
                    body: r.body.text(),
                };
                return new FakeResponse(typeof respond === 'function' ? respond(chain.request) : respond);
            },
            get proceeded() { return chain.calls > 0; },
        };
        return chain;
    }

    async function runFilter(filter, exchange = mockExchange(), chain = mockChain(), config = {}) {
        return asResponse(await filter(exchange, chain, deepFreeze(structuredClone(config))));
    }

    function deepFreeze(value) {
        if (value !== null && typeof value === 'object') {
            Object.values(value).forEach(deepFreeze);
            Object.freeze(value);
        }
        return value;
    }

    function test(name, fn) {
        if (typeof fn !== 'function') {
            throw new TypeError('test(name, fn): fn must be a function');
        }
        tests.push({ name: String(name), fn });
    }

    define('test', test);
    define('expect', expect);
    define('mockExchange', mockExchange);
    define('mockChain', mockChain);
    define('mockResponse', (init) => new FakeResponse(init));
    define('mockUpstreamError', (upstream, code = 'upstream_unreachable', status = 502) =>
        fetchError(upstream, code, upstream + ': ' + code, status));
    define('runFilter', runFilter);

    async function run() {
        const results = [];
        for (const { name, fn } of tests) {
            outcome = { name, pending: true };
            try {
                await fn();
                results.push({ name, ok: true });
            } catch (e) {
                results.push({ name, ok: false, message: String(e?.message ?? e), kind: e?.name ?? typeof e,
                    stack: typeof e?.stack === 'string' ? e.stack.split('\n').slice(1)
                        .filter((s) => !s.includes('gatehouse-testkit.js')).slice(0, 3).map((s) => s.trim()) : [] });
            }
        }
        outcome = { done: true, results };
    }

    return {
        run,
        // JSON: {done, results: [{name, ok, message, kind, stack}]} or {name, pending} (a test that never settled)
        results: () => JSON.stringify(outcome ?? { done: true, results: [] }),
    };
})
