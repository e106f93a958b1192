// TypeScript typings of the Gatehouse script API (see docs/scripting.md). Editors use them for completion:
// add `/** @type {import('./gatehouse').FilterFunction} */` above `export function filter`, or reference
// this file from a jsconfig.json / tsconfig.json next to your scripts, with `"lib": ["es2024"]` and no "dom": this
// file declares the globals scripts have (Response, console, URL, crypto, ...) as the gateway gives them.

/** Header access, case-insensitive names. Values with CR, LF or NUL are refused (TypeError). */
export interface Headers {
    /** The first value, or null. */
    get(name: string): string | null;
    /** Every value, in order; [] when absent. */
    getAll(name: string): string[];
    has(name: string): boolean;
    /** Replaces every value with this one. */
    set(name: string, value: string): void;
    /** Adds a value after the existing ones. */
    add(name: string, value: string): void;
    /** @returns whether the header was there */
    remove(name: string): boolean;
    /** The header names, as first written. */
    names(): string[];
}

/** The query string; reads decode (`+` is a space), writes encode. */
export interface Query {
    get(name: string): string | null;
    getAll(name: string): string[];
    has(name: string): boolean;
    /** Replaces every value of `name` (in place of the first one). */
    set(name: string, value: string): void;
    remove(name: string): void;
    /** The raw query string, without `?`. */
    toString(): string;
}

/** The request's body, buffered on first read (up to 10 MiB; beyond, the request fails with 413). */
export interface Body {
    text(): string;
    /** JSON.parse of text(); throws SyntaxError on invalid JSON. */
    json(): any;
}

export interface Request {
    readonly method: string;
    /**
     * The path sent upstream; must start with '/'. Normalised, in wire form: unreserved characters decoded,
     * every other escape kept as sent (`/a%3Bb`, `/caf%C3%A9`). Text you set is encoded on the way out
     * (`' '` → `%20`), except `%XX` escapes, which are sent as they are.
     */
    path: string;
    /** The raw query string, without '?'. */
    rawQuery: string;
    readonly query: Query;
    /**
     * The route's path parameters (`/users/:id` → `{ id: "7" }`), in the same form as `path`: `/users/a%3bb`
     * gives `{ id: "a%3Bb" }`; `decodeURIComponent` gives the text.
     */
    readonly params: Readonly<Record<string, string>>;
    readonly headers: Headers;
    readonly body: Body;
    /** The client's address (from X-Forwarded-For only when the peer is a trusted proxy). */
    readonly clientIp: string;
}

/** Who a request comes from, as an authentication filter established it. */
export interface Consumer {
    readonly id: string;
    /** How it was identified: 'jwt', 'api_key', 'basic', 'oauth2', 'anonymous', 'script', ... */
    readonly credential: string;
    readonly groups: readonly string[];
    /** Selected claims or attributes (never secrets). */
    readonly attributes: Readonly<Record<string, string>>;
}

export interface Exchange {
    readonly requestId: string;
    readonly routeId: string;
    readonly request: Request;
    /**
     * Who the auth filters identified, or null. Reading gives a copy. Setting a string names a consumer by id,
     * setting `{ id, groups }` adds its groups (credential kind `script`), setting null clears it.
     */
    get consumer(): Consumer | null;
    set consumer(value: string | { id: string; groups?: string[] } | null);
    /** Per-request values shared with the other filters: strings, numbers, booleans, null. */
    attributes: Record<string, string | number | boolean | null>;
    readonly upstreams: Upstreams;
}

export interface FetchOptions {
    /** Default GET. */
    method?: string;
    /** Default '/'. */
    path?: string;
    /** A raw query string or name → value(s); values are encoded. */
    query?: string | Record<string, string | number | boolean | Array<string | number | boolean>>;
    headers?: Record<string, string | string[]>;
    /** A string is sent as is; anything else as JSON (Content-Type: application/json unless given). */
    body?: unknown;
    /** Milliseconds; default the route's fetch_timeout (5 s). */
    timeout?: number;
}

/** Why a fetch was rejected. */
export interface FetchError extends Error {
    /**
     * The upstream's fault: upstream_timeout, upstream_unreachable, upstream_error, upstream_bad_response,
     * upstream_body_too_large (over 10 MiB), no_healthy_upstream; the gateway's: fetch_overload; the script's:
     * unknown_upstream, invalid_fetch, too_many_fetches (over 256 in one call).
     */
    code: string;
    upstream: string;
    /**
     * What the client gets if the filter lets this error through: 502, 503 or 504 for the upstream's and the
     * gateway's faults (with this `code`); 500 (`script_error`) for the script's.
     */
    status: number;
}

export interface Upstreams {
    /**
     * Calls an upstream named in the gateway's config (never a URL), through its balancer. Fetches run
     * concurrently, up to 16 at once per call (more wait their turn); a call may start 256. Resolves with any
     * status (check `status`), its body read whole; rejects with a FetchError when there is no answer (unknown
     * upstream, timeout, connection failure, a body over 10 MiB). Fetches still running when the call ends are
     * aborted.
     */
    fetch(upstream: string, options?: FetchOptions): Promise<GatewayResponse>;
}

/**
 * A response: the upstream's (chain.proceed, fetch) or one you made. Change it in place or return another; an
 * upstream response you do not return is closed when the call ends.
 */
export interface GatewayResponse {
    /** 100..599. */
    status: number;
    readonly headers: Headers;
    /** The body, buffered on first read (up to 10 MiB; beyond, the upstream's fault: 502 upstream_body_too_large). */
    text(): string;
    json(): any;
    /** Replaces the body: a string as is, anything else as JSON (and Content-Type: application/json). */
    body: unknown;
}

export interface Chain {
    /** Sends the request on (the next filters, then the upstream) and returns the response. At most once. */
    proceed(exchange: Exchange): GatewayResponse;
}

/** What a filter may return (or resolve to). */
export type FilterResult =
    | GatewayResponse
    | { status?: number; headers?: Record<string, string | string[]>; body?: unknown };

/**
 * A script module exports `filter`. `config` is the route's `config:` object (frozen), `{}` when none.
 * A filter may be async; then it may await fetches.
 */
export type FilterFunction = (exchange: Exchange, chain: Chain, config: Readonly<Record<string, any>>)
    => FilterResult | Promise<FilterResult>;

declare global {
    const Response: {
        /** A JSON response (Content-Type: application/json); status default 200. */
        json(value: unknown, status?: number): GatewayResponse;
        /** A text/plain response; status default 200. */
        text(value: string, status?: number): GatewayResponse;
    };
    /**
     * To the gateway log, with the script name and the request id. Non-strings are JSON-encoded; a line holds at
     * most 8192 characters of them (the rest is cut and counted).
     */
    const log: {
        info(...values: unknown[]): void;
        warn(...values: unknown[]): void;
        error(...values: unknown[]): void;
    };
    /** The same log as `log` (logger `gatehouse.script`): `log` and `debug` at INFO, `warn`, `error`. */
    const console: {
        log(...values: unknown[]): void;
        info(...values: unknown[]): void;
        debug(...values: unknown[]): void;
        warn(...values: unknown[]): void;
        error(...values: unknown[]): void;
    };

    // ---- web-standard globals (WinterTC minimum common API subset); see docs/scripting.md ----

    /** Base64 (RFC 4648) of a binary string (each character 0..255; others throw InvalidCharacterError). */
    function btoa(data: string): string;
    /** The binary string of base64 text; ASCII whitespace and missing padding are tolerated. */
    function atob(data: string): string;
    /** A deep copy: plain objects, arrays, Date, RegExp, Map, Set, Error, ArrayBuffer, typed arrays; cycles kept. */
    function structuredClone<T>(value: T): T;
    /** Runs `callback` after the current job, before any fetch result; a throw is logged. */
    function queueMicrotask(callback: () => void): void;

    /** UTF-8 only. */
    class TextEncoder {
        readonly encoding: 'utf-8';
        encode(input?: string): Uint8Array;
        encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
    }
    /** UTF-8 only; invalid bytes become U+FFFD, or throw TypeError with `fatal: true`. */
    class TextDecoder {
        constructor(label?: 'utf-8' | 'utf8', options?: { fatal?: boolean; ignoreBOM?: boolean });
        readonly encoding: string;
        decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
    }

    /**
     * A WHATWG URL, for the common cases: http(s), ws(s), ftp, file and other schemes, relative resolution, dot
     * segments, default ports, percent-encoding per component, IPv4 in numeric forms. A host with non-ASCII
     * characters (an international domain name) is a TypeError: use its punycode form. Invalid input: TypeError.
     */
    class URL {
        constructor(url: string | URL, base?: string | URL);
        static canParse(url: string | URL, base?: string | URL): boolean;
        /** The URL, or null where the constructor would throw. */
        static parse(url: string | URL, base?: string | URL): URL | null;
        href: string;
        readonly origin: string;
        protocol: string;
        username: string;
        password: string;
        host: string;
        hostname: string;
        port: string;
        pathname: string;
        search: string;
        /** Live: changing it changes `search` and `href`. */
        readonly searchParams: URLSearchParams;
        hash: string;
        toString(): string;
        toJSON(): string;
    }
    /** application/x-www-form-urlencoded name/value pairs, in order. */
    class URLSearchParams implements Iterable<[string, string]> {
        constructor(init?: string | Record<string, string> | Iterable<[string, string]> | URLSearchParams);
        readonly size: number;
        append(name: string, value: string): void;
        delete(name: string, value?: string): void;
        get(name: string): string | null;
        getAll(name: string): string[];
        has(name: string, value?: string): boolean;
        set(name: string, value: string): void;
        sort(): void;
        forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown): void;
        keys(): IterableIterator<string>;
        values(): IterableIterator<string>;
        entries(): IterableIterator<[string, string]>;
        [Symbol.iterator](): IterableIterator<[string, string]>;
        toString(): string;
    }

    type BufferSource = ArrayBuffer | ArrayBufferView;
    type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
    /** An HMAC key from crypto.subtle.importKey; its bytes are not reachable from it. */
    interface CryptoKey {
        readonly type: 'secret';
        readonly extractable: boolean;
        readonly algorithm: { name: 'HMAC'; hash: { name: HashName }; length: number };
        readonly usages: readonly ('sign' | 'verify')[];
    }
    /** The Web Crypto subset scripts have, backed by the JDK. Every method returns a Promise; a bad argument rejects it. */
    interface SubtleCrypto {
        digest(algorithm: HashName | { name: HashName }, data: BufferSource): Promise<ArrayBuffer>;
        /** Raw HMAC keys only: `importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])`. */
        importKey(format: 'raw', keyData: BufferSource, algorithm: { name: 'HMAC'; hash: HashName | { name: HashName } },
                  extractable: boolean, usages: ('sign' | 'verify')[]): Promise<CryptoKey>;
        /** The raw bytes of a key imported as extractable. */
        exportKey(format: 'raw', key: CryptoKey): Promise<ArrayBuffer>;
        sign(algorithm: 'HMAC' | { name: 'HMAC' }, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
        /** Compares in constant time. */
        verify(algorithm: 'HMAC' | { name: 'HMAC' }, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean>;
    }
    const crypto: {
        readonly subtle: SubtleCrypto;
        /** A random (version 4) UUID. */
        randomUUID(): string;
        /** Fills an integer typed array (at most 65536 bytes) with cryptographically strong random values. */
        getRandomValues<T extends Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array
            | Uint32Array | BigInt64Array | BigUint64Array>(array: T): T;
        /**
         * Not in the Web Crypto API (Node has it): whether `a` and `b` are equal, in a time that depends on their
         * lengths only. Strings compare as their UTF-8 bytes. Different lengths give false (Node throws).
         */
        timingSafeEqual(a: string | BufferSource, b: string | BufferSource): boolean;
    };
}

// ---- test files only (`gatehouse script test`, *.test.js): see docs/scripting.md, "Testing scripts" ----

/** What a fake fetch saw. */
export interface RecordedFetch {
    upstream: string;
    method: string;
    path: string;
    /** The encoded query string. */
    query: string;
    /** Lower-case name → value (values when repeated). */
    headers: Record<string, string | string[]>;
    body: string | null;
}

/** A fake response: a `{ status, headers, body }` init (body: a string, or anything else as JSON). */
export interface ResponseInit {
    status?: number;
    headers?: Record<string, string | string[]>;
    body?: unknown;
}

/** A fake upstream: a response, a function of the fetch giving one, or an error (mockUpstreamError). */
export type FakeUpstream = ResponseInit | Error | ((fetch: RecordedFetch) => ResponseInit | Error | Promise<ResponseInit>);

export interface ExchangeInit {
    method?: string;
    path?: string;
    query?: string | Record<string, string | number | boolean | Array<string | number | boolean>>;
    headers?: Record<string, string | string[]>;
    body?: unknown;
    params?: Record<string, string>;
    clientIp?: string;
    consumer?: Consumer | null;
    attributes?: Record<string, string | number | boolean | null>;
    requestId?: string;
    routeId?: string;
    /** Named upstreams for upstreams.fetch; other names reject with code unknown_upstream. */
    upstreams?: Record<string, FakeUpstream>;
}

export interface FakeExchange extends Exchange {
    /** Every upstreams.fetch made, in order. */
    readonly fetches: RecordedFetch[];
}

/** The request as it was when the filter proceeded. */
export interface ProceededRequest {
    method: string;
    path: string;
    rawQuery: string;
    /** Lower-case name → value (values when repeated). */
    headers: Record<string, string | string[]>;
    body: string;
}

export interface FakeChain extends Chain {
    readonly proceeded: boolean;
    readonly calls: number;
    /** Null until proceed is called. */
    readonly request: ProceededRequest | null;
}

export interface Matchers {
    toBe(expected: unknown): void;
    /** Deep equality: plain objects, arrays, Date, Map, Set, typed arrays. */
    toEqual(expected: unknown): void;
    toBeTruthy(): void;
    toBeFalsy(): void;
    toBeNull(): void;
    toBeUndefined(): void;
    toBeDefined(): void;
    /** A substring of a string, or an element of an array. */
    toContain(expected: unknown): void;
    toMatch(expected: RegExp | string): void;
    toHaveLength(length: number): void;
    toBeGreaterThan(n: number): void;
    toBeLessThan(n: number): void;
    /** `actual` is a function that throws: a message containing the text, matching the RegExp, or an instance of the class. */
    toThrow(expected?: string | RegExp | Function): void;
}

declare global {
    /** Declares a test (test files only); `fn` may be async. Tests run in order. */
    function test(name: string, fn: () => unknown): void;
    function expect(actual: unknown): Matchers & {
        not: Matchers;
        rejects: { toThrow(expected?: string | RegExp | Function): Promise<void> };
    };
    function mockExchange(init?: ExchangeInit): FakeExchange;
    /** A chain whose proceed answers `response` (default { status: 200 }), or what `respond` gives. */
    function mockChain(response?: ResponseInit | ((request: ProceededRequest) => ResponseInit)): FakeChain;
    function mockResponse(init?: ResponseInit): GatewayResponse;
    /** A fetch rejection as the gateway makes it (FetchError). */
    function mockUpstreamError(upstream: string, code?: string, status?: number): FetchError;
    /** Calls the filter (config frozen), awaits it, and gives what it returned as a response. */
    function runFilter(filter: FilterFunction, exchange?: Exchange, chain?: Chain,
                       config?: Record<string, unknown>): Promise<GatewayResponse>;
}
