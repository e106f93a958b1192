// TypeScript typings of the Gatehouse script API (see docs/scripting.md). Editors use them for completion:
// add `/** @type {import('./gatehouse').FilterFunction} */` above `export function filter`, or reference
// this file from a jsconfig.json / tsconfig.json next to your scripts.

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
    /** To the gateway log, with the script name and the request id. Non-strings are JSON-encoded. */
    const log: {
        info(...values: unknown[]): void;
        warn(...values: unknown[]): void;
        error(...values: unknown[]): void;
    };
}
