// URL and URLSearchParams after the WHATWG URL Standard, for what a gateway script meets: special schemes (http,
// https, ws, wss, ftp, file) and others (opaque paths like mailto:, non-special authorities), relative resolution,
// dot segments, default ports, percent-encoding by component, IPv4 in its numeric forms, IPv6 literals kept as
// written (lower-cased), application/x-www-form-urlencoded. Not supported: international domain names (a host
// with non-ASCII characters is a TypeError: give its punycode form), IPv6 compression to canonical form.
// Evaluates to a function () -> { URL, URLSearchParams }.
(function () {
    'use strict';
    const SPECIAL = Object.freeze({ 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21, 'file:': null });
    const isSpecial = (scheme) => Object.hasOwn(SPECIAL, scheme);

    // percent-encode sets, as predicates on a code unit (everything above 0x7E is always encoded)
    const C0 = (c) => c < 0x20 || c > 0x7e;
    const FRAGMENT = (c) => C0(c) || ' "<>`'.includes(String.fromCharCode(c));
    const QUERY = (c) => C0(c) || ' "#<>'.includes(String.fromCharCode(c));
    const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
    const PATH = (c) => QUERY(c) || '?^`{}'.includes(String.fromCharCode(c));
    const USERINFO = (c) => PATH(c) || '/:;=@[\\]|'.includes(String.fromCharCode(c));
    const FORM = (c) => !/[A-Za-z0-9*\-._]/.test(String.fromCharCode(c));
    const utf8 = new TextEncoder();

    function encode(text, set, spaceAsPlus = false) {
        let out = '';
        for (const ch of text.toWellFormed()) {
            const c = ch.codePointAt(0);
            if (c === 0x20 && spaceAsPlus) {
                out += '+';
            } else if (c < 0x80 && !set(c)) {
                out += ch;
            } else {
                for (const b of utf8.encode(ch)) {
                    out += '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
                }
            }
        }
        return out;
    }

    function decode(text) {
        const bytes = [];
        for (let i = 0; i < text.length; i++) {
            const c = text.charCodeAt(i);
            if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
                bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
                i += 2;
            } else if (c < 0x80) {
                bytes.push(c);
            } else {
                const end = i + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
                bytes.push(...utf8.encode(text.slice(i, end)));
                i = end - 1;
            }
        }
        return new TextDecoder().decode(new Uint8Array(bytes));
    }

    const invalid = (input, why) => new TypeError('Invalid URL: ' + why + ': ' + JSON.stringify(String(input)));

    // ---- parsing into a record {scheme, username, password, host, port, path (array, or string if opaque), query,
    // fragment}; host null when the URL has no authority ----

    function parse(input, base) {
        const text = String(input).replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '').replace(/[\t\n\r]/g, '');
        const m = /^([A-Za-z][A-Za-z0-9+.\-]*):/.exec(text);
        if (m) {
            const scheme = m[1].toLowerCase() + ':';
            let rest = text.slice(m[0].length);
            if (scheme === 'file:') {
                return authority(scheme, /^[/\\]{2}/.test(rest) ? rest.slice(2) : rest.replace(/^\/?/, '/'), input);
            }
            if (isSpecial(scheme)) {
                if (base && base.scheme === scheme && !/^[/\\]/.test(rest)) {
                    return relative(rest, base, input);
                }
                rest = rest.replace(/^[/\\]*/, '');
                return authority(scheme, rest, input);
            }
            if (rest.startsWith('//')) {
                return authority(scheme, rest.slice(2), input);
            }
            const url = record(scheme);
            const [beforeFragment, fragment] = cut(rest, '#');
            const [path, query] = cut(beforeFragment, '?');
            url.query = query === null ? null : encode(query, QUERY);
            url.fragment = fragment === null ? null : encode(fragment, FRAGMENT);
            url.path = path.startsWith('/') ? segments(path, scheme, input) : encode(path, C0);
            return url;
        }
        if (!base) {
            throw invalid(input, 'no scheme and no base');
        }
        return relative(text, base, input);
    }

    function record(scheme) {
        return { scheme, username: '', password: '', host: null, port: null, path: [], query: null, fragment: null };
    }

    function cut(text, mark) {
        const i = text.indexOf(mark);
        return i < 0 ? [text, null] : [text.slice(0, i), text.slice(i + 1)];
    }

    function relative(text, base, input) {
        const special = isSpecial(base.scheme);
        const slash = special ? /^[/\\]/ : /^\//;
        if (typeof base.path === 'string') {
            if (!text.startsWith('#')) {
                throw invalid(input, 'a relative reference against a base without a hierarchical path');
            }
            return { ...base, fragment: encode(text.slice(1), FRAGMENT) };
        }
        if (slash.test(text) && slash.test(text.slice(1))) {
            return authority(base.scheme, text.slice(2), input);
        }
        const url = { ...base, path: base.path.slice(), fragment: null };
        const [beforeFragment, fragment] = cut(text, '#');
        const [path, query] = cut(beforeFragment, '?');
        url.fragment = fragment === null ? null : encode(fragment, FRAGMENT);
        if (path === '' && query === null) {
            return url;   // '' or '#x': the base's path and query
        }
        url.query = query === null ? null : encode(query, special ? SPECIAL_QUERY : QUERY);
        if (path === '') {
            return url;   // '?q': the base's path
        }
        if (slash.test(path)) {
            url.path = segments(path, url.scheme, input);
        } else {
            const dir = url.path.slice(0, -1).join('/');
            url.path = segments('/' + (dir === '' ? '' : dir + '/') + path, url.scheme, input);
        }
        return url;
    }

    function authority(scheme, text, input) {
        const special = isSpecial(scheme);
        const end = text.search(special ? /[/\\?#]/ : /[/?#]/);
        const auth = end < 0 ? text : text.slice(0, end);
        const rest = end < 0 ? '' : text.slice(end);
        const url = record(scheme);
        const at = auth.lastIndexOf('@');
        let hostPort = auth;
        if (at >= 0) {
            const [user, pass] = cut(auth.slice(0, at), ':');
            url.username = encode(user, USERINFO);
            url.password = pass === null ? '' : encode(pass, USERINFO);
            hostPort = auth.slice(at + 1);
        }
        const colon = hostPort.startsWith('[') ? hostPort.indexOf(':', hostPort.indexOf(']')) : hostPort.lastIndexOf(':');
        const hostText = colon < 0 ? hostPort : hostPort.slice(0, colon);
        url.port = colon < 0 ? null : port(hostPort.slice(colon + 1), scheme, input);
        url.host = host(hostText, special, scheme, input);
        const [beforeFragment, fragment] = cut(rest, '#');
        const [path, query] = cut(beforeFragment, '?');
        url.fragment = fragment === null ? null : encode(fragment, FRAGMENT);
        url.query = query === null ? null : encode(query, special ? SPECIAL_QUERY : QUERY);
        url.path = path === '' && !special ? [] : segments(path === '' ? '/' : path, scheme, input);
        return url;
    }

    function port(text, scheme, input) {
        if (text === '') {
            return null;
        }
        if (!/^[0-9]+$/.test(text) || Number(text) > 65535) {
            throw invalid(input, 'bad port');
        }
        const number = Number(text);
        return SPECIAL[scheme] === number ? null : number;
    }

    function host(text, special, scheme, input) {
        if (text.startsWith('[')) {
            if (!/^\[[0-9A-Fa-f:.]+\]$/.test(text)) {
                throw invalid(input, 'bad IPv6 address');
            }
            return text.toLowerCase();
        }
        if (!special) {
            if (/[\x00\t\n\r #/:<>?@[\\\]^|]/.test(text)) {
                throw invalid(input, 'forbidden character in host');
            }
            return encode(text, C0);
        }
        if (text === '') {
            if (scheme === 'file:') {
                return '';
            }
            throw invalid(input, 'empty host');
        }
        const name = decode(text).toLowerCase();
        if (/[^\x00-\x7f]/.test(name)) {
            throw invalid(input, 'international domain names are not supported, use the punycode form');
        }
        if (/[\x00-\x20#%/:<>?@[\\\]^|\x7f]/.test(name)) {
            throw invalid(input, 'forbidden character in host');
        }
        const ipv4 = ipv4Of(name, input);
        return ipv4 === null ? name : ipv4;
    }

    // a host ending in a number is an IPv4 address in any of its forms (decimal, 0x hex, 0 octal; 1 to 4 parts)
    function ipv4Of(name, input) {
        const parts = name.split('.');
        if (parts.length > 1 && parts[parts.length - 1] === '') {
            parts.pop();
        }
        if (!/^(0[xX][0-9A-Fa-f]*|[0-9]+)$/.test(parts[parts.length - 1])) {
            return null;
        }
        if (parts.length > 4) {
            throw invalid(input, 'bad IPv4 address');
        }
        const numbers = parts.map((p) => {
            const n = /^0[xX]/.test(p) ? (p.length === 2 ? 0 : parseInt(p.slice(2), 16))
                : /^0[0-7]+$/.test(p) ? parseInt(p.slice(1), 8)
                    : /^[0-9]+$/.test(p) ? Number(p) : NaN;
            if (Number.isNaN(n)) {
                throw invalid(input, 'bad IPv4 address');
            }
            return n;
        });
        const last = numbers.pop();
        if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) {
            throw invalid(input, 'bad IPv4 address');
        }
        let value = last;
        numbers.forEach((n, i) => { value += n * 256 ** (3 - i); });
        return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
    }

    // '/a/./b/../c' → ['a', 'c']; a trailing '.' or '..' leaves an empty last segment ('/a/b/..' → '/a/')
    function segments(path, scheme, input) {
        const parts = path.split(isSpecial(scheme) ? /[/\\]/ : '/').slice(1);
        const out = [];
        parts.forEach((part, i) => {
            const last = i === parts.length - 1;
            const lower = part.toLowerCase();
            if (lower === '..' || lower === '.%2e' || lower === '%2e.' || lower === '%2e%2e') {
                out.pop();
                if (last) {
                    out.push('');
                }
            } else if (lower === '.' || lower === '%2e') {
                if (last) {
                    out.push('');
                }
            } else {
                out.push(encode(part, PATH));
            }
        });
        return out;
    }

    function serialize(url, excludeFragment = false) {
        let out = url.scheme;
        if (url.host !== null) {
            out += '//';
            if (url.username !== '' || url.password !== '') {
                out += url.username + (url.password !== '' ? ':' + url.password : '') + '@';
            }
            out += url.host + (url.port !== null ? ':' + url.port : '');
        } else if (typeof url.path !== 'string' && url.path.length > 1 && url.path[0] === '') {
            out += '/.';
        }
        out += pathname(url);
        if (url.query !== null) {
            out += '?' + url.query;
        }
        if (!excludeFragment && url.fragment !== null) {
            out += '#' + url.fragment;
        }
        return out;
    }

    const pathname = (url) => typeof url.path === 'string' ? url.path : url.path.map((s) => '/' + s).join('');

    // ---- the classes: the record lives in a WeakMap, not on the object ----

    const records = new WeakMap();
    const paramsOf = new WeakMap();     // URL → its URLSearchParams
    const owners = new WeakMap();       // URLSearchParams → its URL

    function state(url) {
        const value = records.get(url);
        if (value === undefined) {
            throw new TypeError('not a URL');
        }
        return value;
    }

    class URL {
        constructor(url, base) {
            const baseRecord = base === undefined ? undefined : parse(base instanceof URL ? base.href : base);
            records.set(this, parse(url instanceof URL ? url.href : url, baseRecord));
        }

        static canParse(url, base) {
            try {
                new URL(url, base);
                return true;
            } catch (e) {
                return false;
            }
        }

        static parse(url, base) {
            try {
                return new URL(url, base);
            } catch (e) {
                return null;
            }
        }

        get href() { return serialize(state(this)); }
        set href(value) {
            records.set(this, parse(value));
            refreshParams(this);
        }
        get origin() {
            const url = state(this);
            return isSpecial(url.scheme) && url.scheme !== 'file:'
                ? url.scheme + '//' + url.host + (url.port !== null ? ':' + url.port : '') : 'null';
        }
        get protocol() { return state(this).scheme; }
        set protocol(value) {
            const url = state(this);
            const scheme = String(value).replace(/:.*$/, '').toLowerCase() + ':';
            if (/^[a-z][a-z0-9+.\-]*:$/.test(scheme) && isSpecial(scheme) === isSpecial(url.scheme)) {
                url.scheme = scheme;
                if (url.port === SPECIAL[scheme]) {
                    url.port = null;
                }
            }
        }
        get username() { return state(this).username; }
        set username(value) { withHost(this, (url) => { url.username = encode(String(value), USERINFO); }); }
        get password() { return state(this).password; }
        set password(value) { withHost(this, (url) => { url.password = encode(String(value), USERINFO); }); }
        get host() {
            const url = state(this);
            return url.host === null ? '' : url.host + (url.port !== null ? ':' + url.port : '');
        }
        set host(value) { reparse(this, (url) => ({ ...url, host: null, port: null }), String(value), true); }
        get hostname() { return state(this).host ?? ''; }
        set hostname(value) {
            reparse(this, (url) => ({ ...url, host: null }), String(value).replace(/:.*$/, ''), true);
        }
        get port() { return state(this).port === null ? '' : String(state(this).port); }
        set port(value) {
            withHost(this, (url) => {
                const digits = /^[0-9]*/.exec(String(value))[0];
                url.port = port(digits, url.scheme, value);
            });
        }
        get pathname() { return pathname(state(this)); }
        set pathname(value) {
            const url = state(this);
            if (typeof url.path !== 'string') {
                const text = String(value);
                url.path = segments(/^[/\\]/.test(text) ? text : '/' + text, url.scheme, value);
            }
        }
        get search() {
            const query = state(this).query;
            return query === null || query === '' ? '' : '?' + query;
        }
        set search(value) {
            const url = state(this);
            const text = String(value).replace(/^\?/, '');
            url.query = text === '' ? null : encode(text, isSpecial(url.scheme) ? SPECIAL_QUERY : QUERY);
            refreshParams(this);
        }
        get searchParams() {
            let params = paramsOf.get(this);
            if (params === undefined) {
                params = new URLSearchParams(state(this).query ?? '');
                paramsOf.set(this, params);
                owners.set(params, this);
            }
            return params;
        }
        get hash() {
            const fragment = state(this).fragment;
            return fragment === null || fragment === '' ? '' : '#' + fragment;
        }
        set hash(value) {
            const text = String(value).replace(/^#/, '');
            state(this).fragment = text === '' ? null : encode(text, FRAGMENT);
        }
        toString() { return this.href; }
        toJSON() { return this.href; }
    }

    function withHost(url, change) {
        const record = state(url);
        if (record.host !== null && record.host !== '' && record.scheme !== 'file:') {
            change(record);
        }
    }

    // host setters: parse 'scheme://value' and keep the new host (and port) when it is valid
    function reparse(url, clear, value, keepPort) {
        const record = state(url);
        if (typeof record.path === 'string') {
            return;
        }
        let parsed;
        try {
            parsed = parse(record.scheme + '//' + value + '/');
        } catch (e) {
            return;
        }
        const next = clear(record);
        next.host = parsed.host;
        if (keepPort && /:/.test(value.replace(/^\[[^\]]*\]/, ''))) {
            next.port = parsed.port;
        } else {
            next.port = record.port;
        }
        records.set(url, next);
    }

    function refreshParams(url) {
        const params = paramsOf.get(url);
        if (params !== undefined) {
            lists.set(params, formParse(state(url).query ?? ''));
        }
    }

    // ---- URLSearchParams ----

    const lists = new WeakMap();   // URLSearchParams → [[name, value], ...]

    function formParse(text) {
        const list = [];
        for (const part of text.split('&')) {
            if (part === '') {
                continue;
            }
            const [name, value] = cut(part, '=');
            list.push([decode(name.replace(/\+/g, ' ')), decode((value ?? '').replace(/\+/g, ' '))]);
        }
        return list;
    }

    function list(params) {
        const value = lists.get(params);
        if (value === undefined) {
            throw new TypeError('not a URLSearchParams');
        }
        return value;
    }

    // writes the list back to the URL it belongs to, if any
    function update(params) {
        const url = owners.get(params);
        if (url !== undefined) {
            const text = params.toString();
            state(url).query = text === '' ? null : text;
        }
    }

    class URLSearchParams {
        constructor(init = '') {
            let entries;
            if (init instanceof URLSearchParams) {
                entries = list(init).map(([n, v]) => [n, v]);
            } else if (init !== null && typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
                entries = Array.from(init, (pair) => {
                    const array = Array.from(pair);
                    if (array.length !== 2) {
                        throw new TypeError('URLSearchParams: each pair must have exactly two items');
                    }
                    return [String(array[0]), String(array[1])];
                });
            } else if (init !== null && typeof init === 'object') {
                entries = Object.keys(init).map((name) => [name, String(init[name])]);
            } else {
                entries = formParse(String(init).replace(/^\?/, ''));
            }
            lists.set(this, entries);
        }

        get size() { return list(this).length; }
        append(name, value) {
            list(this).push([String(name), String(value)]);
            update(this);
        }
        delete(name, value) {
            const n = String(name);
            lists.set(this, list(this).filter(([k, v]) => k !== n || (value !== undefined && v !== String(value))));
            update(this);
        }
        get(name) {
            const found = list(this).find(([k]) => k === String(name));
            return found === undefined ? null : found[1];
        }
        getAll(name) { return list(this).filter(([k]) => k === String(name)).map(([, v]) => v); }
        has(name, value) {
            return list(this).some(([k, v]) => k === String(name) && (value === undefined || v === String(value)));
        }
        set(name, value) {
            const n = String(name);
            const entries = list(this);
            const first = entries.findIndex(([k]) => k === n);
            if (first < 0) {
                entries.push([n, String(value)]);
            } else {
                entries[first] = [n, String(value)];
                lists.set(this, entries.filter(([k], i) => k !== n || i === first));
            }
            update(this);
        }
        sort() {
            // stable, by UTF-16 code units
            lists.set(this, list(this).map((e, i) => [e, i])
                .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j)).map(([e]) => e));
            update(this);
        }
        forEach(callback, thisArg) {
            for (const [name, value] of list(this).slice()) {
                callback.call(thisArg, value, name, this);
            }
        }
        keys() { return list(this).map(([n]) => n)[Symbol.iterator](); }
        values() { return list(this).map(([, v]) => v)[Symbol.iterator](); }
        entries() { return list(this).map(([n, v]) => [n, v])[Symbol.iterator](); }
        [Symbol.iterator]() { return this.entries(); }
        toString() {
            return list(this).map(([n, v]) => encode(n, FORM, true) + '=' + encode(v, FORM, true)).join('&');
        }
    }

    Object.freeze(URL.prototype);
    Object.freeze(URLSearchParams.prototype);
    return () => ({ URL, URLSearchParams });
})
