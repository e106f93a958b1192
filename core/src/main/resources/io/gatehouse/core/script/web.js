// The web-standard globals of the WinterTC minimum common API that scripts get (docs/scripting.md, "Web-standard
// globals"): atob, btoa, URL, URLSearchParams, structuredClone, queueMicrotask and crypto. TextEncoder and
// TextDecoder are the engine's own (js.text-encoding). Evaluates to a function (platform, reportError, urlClasses)
// that installs them (urlClasses: url.js); `platform` (WebPlatform.java) stays in this closure and only ever receives ArrayBuffers, offsets,
// lengths and algorithm names checked here.
(function (platform, reportError, urlClasses) {
    'use strict';
    const freeze = Object.freeze;

    function define(name, value) {
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
    }

    function domError(name, message) {
        const error = new Error(message);
        error.name = name;
        return error;
    }

    // ---- base64 (RFC 4648 §4, the forgiving decoding of the HTML spec) ----

    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const DECODE = new Int8Array(128).fill(-1);
    for (let i = 0; i < 64; i++) {
        DECODE[ALPHABET.charCodeAt(i)] = i;
    }

    function btoa(data) {
        if (arguments.length === 0) {
            throw new TypeError('btoa: 1 argument required');
        }
        const s = String(data);
        let out = '';
        for (let i = 0; i < s.length; i += 3) {
            const a = byteAt(s, i);
            const b = i + 1 < s.length ? byteAt(s, i + 1) : -1;
            const c = i + 2 < s.length ? byteAt(s, i + 2) : -1;
            out += ALPHABET[a >> 2] + ALPHABET[((a & 3) << 4) | (b < 0 ? 0 : b >> 4)]
                + (b < 0 ? '=' : ALPHABET[((b & 15) << 2) | (c < 0 ? 0 : c >> 6)])
                + (c < 0 ? '=' : ALPHABET[c & 63]);
        }
        return out;
    }

    function byteAt(s, i) {
        const code = s.charCodeAt(i);
        if (code > 0xff) {
            throw domError('InvalidCharacterError', 'btoa: the string has a character outside Latin-1 at ' + i
                + ' (encode text with TextEncoder first)');
        }
        return code;
    }

    function atob(data) {
        if (arguments.length === 0) {
            throw new TypeError('atob: 1 argument required');
        }
        let s = String(data).replace(/[\t\n\f\r ]/g, '');
        if (s.length % 4 === 0 && s.endsWith('==')) {
            s = s.slice(0, -2);
        } else if (s.length % 4 === 0 && s.endsWith('=')) {
            s = s.slice(0, -1);
        }
        if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
            throw domError('InvalidCharacterError', 'atob: not valid base64');
        }
        let out = '';
        let bits = 0;
        let count = 0;
        for (let i = 0; i < s.length; i++) {
            bits = (bits << 6) | DECODE[s.charCodeAt(i)];
            count += 6;
            if (count >= 8) {
                count -= 8;
                out += String.fromCharCode((bits >> count) & 0xff);
            }
        }
        return out;
    }

    // ---- structuredClone, queueMicrotask ----

    function structuredClone(value, options) {
        if (options !== undefined && options !== null && options.transfer !== undefined) {
            throw domError('DataCloneError', 'structuredClone: transfer is not supported');
        }
        return cloneValue(value, new Map());
    }

    function cloneValue(value, seen) {
        if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
            if (typeof value === 'symbol') {
                throw domError('DataCloneError', 'structuredClone: a symbol cannot be cloned');
            }
            return value;
        }
        if (typeof value === 'function') {
            throw domError('DataCloneError', 'structuredClone: a function cannot be cloned');
        }
        if (seen.has(value)) {
            return seen.get(value);
        }
        let copy;
        if (Array.isArray(value)) {
            copy = new Array(value.length);
            seen.set(value, copy);
            for (const key of Object.keys(value)) {
                copy[key] = cloneValue(value[key], seen);
            }
            return copy;
        }
        if (value instanceof Date) {
            copy = new Date(value.getTime());
        } else if (value instanceof RegExp) {
            copy = new RegExp(value.source, value.flags);
        } else if (value instanceof ArrayBuffer) {
            copy = value.slice(0);
        } else if (ArrayBuffer.isView(value)) {
            const buffer = cloneValue(value.buffer, seen);
            copy = value instanceof DataView ? new DataView(buffer, value.byteOffset, value.byteLength)
                : new value.constructor(buffer, value.byteOffset, value.length);
        } else if (value instanceof Map) {
            copy = new Map();
            seen.set(value, copy);
            value.forEach((v, k) => copy.set(cloneValue(k, seen), cloneValue(v, seen)));
            return copy;
        } else if (value instanceof Set) {
            copy = new Set();
            seen.set(value, copy);
            value.forEach((v) => copy.add(cloneValue(v, seen)));
            return copy;
        } else if (value instanceof Error) {
            copy = new Error(String(value.message));
            copy.name = String(value.name);
        } else if (value instanceof Boolean || value instanceof Number || value instanceof String) {
            copy = Object(value.valueOf());
        } else {
            const proto = Object.getPrototypeOf(value);
            if (proto !== Object.prototype && proto !== null) {
                throw domError('DataCloneError', 'structuredClone: only plain objects, arrays, Date, RegExp, Map, '
                    + 'Set, Error, ArrayBuffer and typed arrays can be cloned, got ' + (proto.constructor?.name ?? 'an object'));
            }
            copy = {};
            seen.set(value, copy);
            for (const key of Object.keys(value)) {
                copy[key] = cloneValue(value[key], seen);
            }
            return copy;
        }
        seen.set(value, copy);
        return copy;
    }

    function queueMicrotask(callback) {
        if (typeof callback !== 'function') {
            throw new TypeError('queueMicrotask: the argument must be a function');
        }
        Promise.resolve().then(() => {
            try {
                callback();
            } catch (e) {
                reportError(e);
            }
        });
    }

    // ---- crypto: bytes cross to the host as (ArrayBuffer, offset, length) ----

    function bufferSource(value, what) {
        if (value instanceof ArrayBuffer) {
            return [value, 0, value.byteLength];
        }
        if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) {
            return [value.buffer, value.byteOffset, value.byteLength];
        }
        throw new TypeError(what + ' must be an ArrayBuffer, a typed array or a DataView');
    }

    const HASHES = freeze({ 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 });

    function hashName(algorithm, what) {
        const name = String(typeof algorithm === 'object' && algorithm !== null ? algorithm.name : algorithm).toUpperCase();
        if (!Object.hasOwn(HASHES, name)) {
            throw domError('NotSupportedError', what + ': unsupported hash ' + name + ' (SHA-1, SHA-256, SHA-384, SHA-512)');
        }
        return name;
    }

    // Key bytes live here, never on the CryptoKey object a script holds.
    const keyBytes = new WeakMap();

    class CryptoKey {
        constructor(token, hash, extractable, usages, length) {
            if (token !== keyBytes) {
                throw new TypeError('CryptoKey: use crypto.subtle.importKey');
            }
            this.type = 'secret';
            this.extractable = extractable;
            this.algorithm = freeze({ name: 'HMAC', hash: freeze({ name: hash }), length });
            this.usages = freeze(usages);
            freeze(this);
        }
    }
    freeze(CryptoKey.prototype);

    function hmacKey(key, usage) {
        const bytes = key instanceof CryptoKey ? keyBytes.get(key) : undefined;
        if (bytes === undefined) {
            throw new TypeError(usage + ': key must be a CryptoKey from crypto.subtle.importKey');
        }
        if (!key.usages.includes(usage)) {
            throw domError('InvalidAccessError', usage + ': the key was not imported for ' + usage);
        }
        return bytes;
    }

    function checkHmac(algorithm, what) {
        const name = String(typeof algorithm === 'object' && algorithm !== null ? algorithm.name : algorithm);
        if (name.toUpperCase() !== 'HMAC') {
            throw domError('NotSupportedError', what + ': only HMAC is supported, got ' + name);
        }
    }

    // A Promise like the Web Crypto API's: a throw becomes a rejection.
    const promised = (work) => new Promise((resolve) => resolve(work()));

    const subtle = freeze({
        digest: (algorithm, data) => promised(() => {
            const hash = hashName(algorithm, 'digest');
            const out = new ArrayBuffer(HASHES[hash]);
            platform.digest(hash, ...bufferSource(data, 'digest: data'), out);
            return out;
        }),
        importKey: (format, keyData, algorithm, extractable, usages) => promised(() => {
            if (format !== 'raw') {
                throw domError('NotSupportedError', "importKey: only the 'raw' format is supported, got " + format);
            }
            checkHmac(algorithm, 'importKey');
            const hash = hashName(algorithm.hash, 'importKey');
            const [buffer, offset, length] = bufferSource(keyData, 'importKey: keyData');
            const allowed = Array.from(usages ?? [], String);
            if (allowed.length === 0 || allowed.some((u) => u !== 'sign' && u !== 'verify')) {
                throw new SyntaxError("importKey: usages must be a non-empty list of 'sign' and 'verify'");
            }
            const key = new CryptoKey(keyBytes, hash, Boolean(extractable), allowed, length * 8);
            keyBytes.set(key, buffer.slice(offset, offset + length));
            return key;
        }),
        exportKey: (format, key) => promised(() => {
            const bytes = key instanceof CryptoKey ? keyBytes.get(key) : undefined;
            if (format !== 'raw' || bytes === undefined || !key.extractable) {
                throw domError('InvalidAccessError', "exportKey: only the 'raw' format of an extractable key");
            }
            return bytes.slice(0);
        }),
        sign: (algorithm, key, data) => promised(() => {
            checkHmac(algorithm, 'sign');
            const bytes = hmacKey(key, 'sign');
            const hash = key.algorithm.hash.name;
            const out = new ArrayBuffer(HASHES[hash]);
            platform.hmac(hash, bytes, ...bufferSource(data, 'sign: data'), out);
            return out;
        }),
        verify: (algorithm, key, signature, data) => promised(() => {
            checkHmac(algorithm, 'verify');
            const bytes = hmacKey(key, 'verify');
            return platform.hmacVerify(key.algorithm.hash.name, bytes, ...bufferSource(data, 'verify: data'),
                ...bufferSource(signature, 'verify: signature'));
        }),
    });

    const encoder = new TextEncoder();
    const bytesOf = (value, what) => bufferSource(typeof value === 'string' ? encoder.encode(value) : value, what);

    const crypto = freeze({
        subtle,
        randomUUID: () => platform.randomUUID(),
        getRandomValues(array) {
            if (!ArrayBuffer.isView(array) || array instanceof DataView || array instanceof Float32Array
                || array instanceof Float64Array) {
                throw domError('TypeMismatchError', 'getRandomValues: the argument must be an integer typed array');
            }
            if (array.byteLength > 65536) {
                throw domError('QuotaExceededError', 'getRandomValues: at most 65536 bytes, got ' + array.byteLength);
            }
            platform.randomFill(array.buffer, array.byteOffset, array.byteLength);
            return array;
        },
        // Not in the Web Crypto API (Node has it): strings compare as UTF-8; different lengths are unequal at
        // once (the length is not secret), equal lengths take the same time whatever the bytes.
        timingSafeEqual: (a, b) => platform.equal(...bytesOf(a, 'timingSafeEqual: a'), ...bytesOf(b, 'timingSafeEqual: b')),
    });

    define('atob', atob);
    define('btoa', btoa);
    define('structuredClone', structuredClone);
    define('queueMicrotask', queueMicrotask);
    define('crypto', crypto);
    define('CryptoKey', CryptoKey);
    const url = urlClasses();
    define('URL', url.URL);
    define('URLSearchParams', url.URLSearchParams);
})
