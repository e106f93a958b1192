// HMAC-SHA-256 helpers, shared by verify-webhook.js and sign-request.js: a module two filters import.
// Keys are imported once per secret and kept (module state lives per Context, see docs/scripting.md).

const encoder = new TextEncoder();
const keys = new Map();

/** Lower-case hex of bytes. */
export function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bytes of hex text, or null when it is not hex. */
export function fromHex(text) {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) {
        return null;
    }
    const bytes = new Uint8Array(text.length / 2);
    for (let i = 0; i < bytes.length; i++) {
        bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
    }
    return bytes;
}

async function key(secret) {
    let found = keys.get(secret);
    if (found === undefined) {
        found = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' },
            false, ['sign', 'verify']);
        keys.set(secret, found);
    }
    return found;
}

/** The hex HMAC-SHA-256 of `text` (as UTF-8) with `secret`. */
export async function sign(secret, text) {
    return hex(await crypto.subtle.sign('HMAC', await key(secret), encoder.encode(text)));
}

/** Whether `signatureHex` is the HMAC-SHA-256 of `text` with `secret`; compared in constant time. */
export async function verify(secret, text, signatureHex) {
    const signature = fromHex(signatureHex);
    return signature !== null && crypto.subtle.verify('HMAC', await key(secret), signature, encoder.encode(text));
}
