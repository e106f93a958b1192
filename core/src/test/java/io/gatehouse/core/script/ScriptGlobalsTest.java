package io.gatehouse.core.script;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web-standard globals, against known values, in a Context built as the gateway builds a script's. */
class ScriptGlobalsTest {

    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new Sandbox();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** An expression (may be a promise) and what it gives: its string, its JSON, or "threw Name: message". */
    record Case(String desc, String expression, String expected) {
        @Override
        public String toString() {
            return desc;
        }
    }

    static Stream<Case> base64() {
        // RFC 4648 section 10
        String[][] vectors = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
                { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" } };
        Stream<Case> rfc = Stream.of(vectors).flatMap(v -> Stream.of(
                new Case("btoa('" + v[0] + "')", "btoa('" + v[0] + "')", v[1]),
                new Case("atob('" + v[1] + "')", "atob('" + v[1] + "')", v[0])));
        return Stream.concat(rfc, Stream.of(
                new Case("atob without padding", "atob('Zm9vYg')", "foob"),
                new Case("atob ignores ASCII whitespace", "atob(' Zm9v\\nYmFy ')", "foobar"),
                new Case("atob of bytes above 0x7f", "[...atob('/+8=')].map(c => c.charCodeAt(0))", "[255,239]"),
                new Case("btoa of Latin-1", "btoa('\\u00ff\\u00e9')", "/+k="),
                new Case("btoa refuses text outside Latin-1", "btoa('\u20ac')",
                        "threw InvalidCharacterError: btoa: the string has a character outside Latin-1 at 0 (encode text with TextEncoder first)"),
                new Case("atob refuses other characters", "atob('Zm9v!')", "threw InvalidCharacterError: atob: not valid base64"),
                new Case("atob refuses a lone sextet", "atob('Zm9vY')", "threw InvalidCharacterError: atob: not valid base64"),
                new Case("Basic credentials", "atob('QWxhZGRpbjpvcGVuIHNlc2FtZQ==')", "Aladdin:open sesame")));
    }

    static Stream<Case> text() {
        return Stream.of(
                new Case("UTF-8 bytes", "Array.from(new TextEncoder().encode('h\u00e9\u20ac'))", "[104,195,169,226,130,172]"),
                new Case("round trip", "new TextDecoder().decode(new TextEncoder().encode('caf\u00e9 \ud83d\ude00'))", "caf\u00e9 \ud83d\ude00"),
                new Case("invalid bytes replaced", "new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62]))", "a\ufffdb"),
                new Case("fatal decoder throws", "new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))",
                        "threw TypeError"),
                new Case("encoding name", "new TextDecoder().encoding", "utf-8"));
    }

    static Stream<Case> crypto() {
        return Stream.of(
                digest("SHA-1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
                digest("SHA-256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                digest("SHA-384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
                digest("SHA-512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
                new Case("digest of a typed array slice", "crypto.subtle.digest({ name: 'sha-256' }, bytes('xabcx').subarray(1, 4)).then(hex)",
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                new Case("digest of an unknown hash rejects", "crypto.subtle.digest('MD5', bytes('abc'))",
                        "threw NotSupportedError: digest: unsupported hash MD5 (SHA-1, SHA-256, SHA-384, SHA-512)"),
                new Case("digest of a string rejects", "crypto.subtle.digest('SHA-256', 'abc')",
                        "threw TypeError: digest: data must be an ArrayBuffer, a typed array or a DataView"),
                // RFC 4231 test cases 1, 2, 3, 4, 6, 7 (HMAC-SHA-256)
                hmac("RFC 4231 case 1", "repeat(0x0b, 20)", "bytes('Hi There')",
                        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                hmac("RFC 4231 case 2", "bytes('Jefe')", "bytes('what do ya want for nothing?')",
                        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                hmac("RFC 4231 case 3", "repeat(0xaa, 20)", "repeat(0xdd, 50)",
                        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
                hmac("RFC 4231 case 4", "fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819')", "repeat(0xcd, 50)",
                        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
                hmac("RFC 4231 case 6", "repeat(0xaa, 131)", "bytes('Test Using Larger Than Block-Size Key - Hash Key First')",
                        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
                hmac("RFC 4231 case 7", "repeat(0xaa, 131)", "bytes('This is a test using a larger than block-size key and a "
                                + "larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.')",
                        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
                new Case("verify accepts the right signature", verify("fromHex('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')"), "true"),
                new Case("verify refuses a wrong one", verify("fromHex('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844')"), "false"),
                new Case("verify refuses a short one", verify("fromHex('5bdcc146')"), "false"),
                new Case("a key imported for verify cannot sign", "crypto.subtle.importKey('raw', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, "
                        + "false, ['verify']).then((k) => crypto.subtle.sign('HMAC', k, bytes('x')))",
                        "threw InvalidAccessError: sign: the key was not imported for sign"),
                new Case("the key's algorithm", "crypto.subtle.importKey('raw', bytes('key'), { name: 'HMAC', hash: { name: 'SHA-512' } }, "
                        + "false, ['sign']).then((k) => [k.type, k.algorithm.name, k.algorithm.hash.name, k.algorithm.length, k.extractable])",
                        "[\"secret\",\"HMAC\",\"SHA-512\",24,false]"),
                new Case("keys hold no bytes", "crypto.subtle.importKey('raw', bytes('key'), { name: 'HMAC', hash: 'SHA-256' }, "
                        + "false, ['sign']).then((k) => Reflect.ownKeys(k))", "[\"type\",\"extractable\",\"algorithm\",\"usages\"]"),
                new Case("timingSafeEqual of strings", "[crypto.timingSafeEqual('abc', 'abc'), crypto.timingSafeEqual('abc', 'abd'), "
                        + "crypto.timingSafeEqual('abc', 'ab')]", "[true,false,false]"),
                new Case("timingSafeEqual of bytes", "crypto.timingSafeEqual(fromHex('00ff'), new Uint8Array([0, 255]).buffer)", "true"),
                new Case("randomUUID", "/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID())", "true"),
                new Case("getRandomValues fills its argument", "(() => { const a = new Uint32Array(8); "
                        + "return crypto.getRandomValues(a) === a && a.some((x) => x !== 0); })()", "true"),
                new Case("getRandomValues caps at 64 KiB", "crypto.getRandomValues(new Uint8Array(65537))",
                        "threw QuotaExceededError: getRandomValues: at most 65536 bytes, got 65537"));
    }

    private static Case digest(String hash, String expected) {
        return new Case("digest " + hash + " of abc", "crypto.subtle.digest('" + hash + "', bytes('abc')).then(hex)", expected);
    }

    private static Case hmac(String desc, String key, String data, String expected) {
        return new Case(desc, "crypto.subtle.importKey('raw', " + key + ", { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])"
                + ".then((k) => crypto.subtle.sign('HMAC', k, " + data + ")).then(hex)", expected);
    }

    private static String verify(String signature) {
        return "crypto.subtle.importKey('raw', bytes('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])"
                + ".then((k) => crypto.subtle.verify('HMAC', k, " + signature + ", bytes('what do ya want for nothing?')))";
    }

    static Stream<Case> urls() {
        return Stream.of(
                href("normalises scheme, host, default port and dots", "'HTTPS://EXAMPLE.com:443/a/./b/../c?x=1#f'",
                        "https://example.com/a/c?x=1#f"),
                href("resolves a relative path", "'../d?q', 'http://h/a/b/c'", "http://h/a/d?q"),
                href("resolves a scheme-relative URL", "'//other/x', 'https://h/a'", "https://other/x"),
                href("resolves a query", "'?z=2', 'http://h/p?y#f'", "http://h/p?z=2"),
                href("resolves a fragment", "'#g', 'http://h/p?y#f'", "http://h/p?y#g"),
                href("resolves an absolute path", "'/x/../y', 'http://h:8080/p/q'", "http://h:8080/y"),
                href("a URL object as base", "'c', new URL('http://h/a/b')", "http://h/a/c"),
                href("percent-encodes path, query and fragment", "'http://h/a b/\u00fc?q=a b\"#\u00fc`'",
                        "http://h/a%20b/%C3%BC?q=a%20b%22#%C3%BC%60"),
                href("keeps escapes as written", "'http://h/a%2fb?x=%41'", "http://h/a%2fb?x=%41"),
                href("encodes userinfo", "'http://user:p@ss@h/'", "http://user:p%40ss@h/"),
                href("backslashes in special URLs", "'http:\\\\\\\\h\\\\a\\\\b'", "http://h/a/b"),
                href("an IPv4 address in hex", "'http://0x7f.1/'", "http://127.0.0.1/"),
                href("an IPv6 address", "'http://[::1]:8080/'", "http://[::1]:8080/"),
                href("a trailing dot-dot", "'http://h/a/b/..'", "http://h/a/"),
                href("an empty path is /", "'http://h'", "http://h/"),
                href("non-special schemes", "'redis://u@cache:6379/0'", "redis://u@cache:6379/0"),
                href("an opaque path", "'mailto:Someone@Example.com'", "mailto:Someone@Example.com"),
                href("a file URL", "'file:///etc/hosts'", "file:///etc/hosts"),
                new Case("components", "(() => { const u = new URL('https://a:b@Host.example:8443/p/q.json?x=1&y=2#frag'); "
                        + "return [u.protocol, u.username, u.password, u.host, u.hostname, u.port, u.pathname, u.search, "
                        + "u.hash, u.origin]; })()",
                        "[\"https:\",\"a\",\"b\",\"host.example:8443\",\"host.example\",\"8443\",\"/p/q.json\",\"?x=1&y=2\","
                                + "\"#frag\",\"https://host.example:8443\"]"),
                new Case("an opaque origin", "new URL('mailto:x@y').origin", "null"),
                new Case("no base, no scheme", "new URL('/relative')", "threw TypeError: Invalid URL: no scheme and no base: \"/relative\""),
                new Case("port out of range", "new URL('http://h:65536/')", "threw TypeError: Invalid URL: bad port: \"http://h:65536/\""),
                new Case("slashes after a special scheme", "new URL('http:///x').href", "http://x/"),
                new Case("empty host", "new URL('http://')", "threw TypeError: Invalid URL: empty host: \"http://\""),
                new Case("forbidden host character", "new URL('http://a<b/')", "threw TypeError: Invalid URL: forbidden character in host: \"http://a<b/\""),
                new Case("canParse", "[URL.canParse('http://h/'), URL.canParse('nope'), URL.canParse('nope', 'http://h/')]", "[true,false,true]"),
                new Case("setters", "(() => { const u = new URL('http://h/a?x=1#f'); u.pathname = '/b c'; u.search = 'y=2'; "
                        + "u.hash = ''; u.port = '81'; u.hostname = 'Other'; return u.href; })()", "http://other:81/b%20c?y=2"),
                new Case("searchParams reads", "new URL('http://h/?a=1&b=x+y&a=%C3%A9').searchParams.getAll('a').concat(new URL('http://h/?a=1&b=x+y').searchParams.get('b'))",
                        "[\"1\",\"\u00e9\",\"x y\"]"),
                new Case("searchParams writes through", "(() => { const u = new URL('http://h/p?a=1#f'); u.searchParams.append('c', 'x y&z'); "
                        + "u.searchParams.set('a', '2'); return u.href; })()", "http://h/p?a=2&c=x+y%26z#f"),
                new Case("search setter updates searchParams", "(() => { const u = new URL('http://h/?a=1'); const p = u.searchParams; "
                        + "u.search = '?b=2'; return [p.get('a'), p.get('b')]; })()", "[null,\"2\"]"),
                new Case("URLSearchParams from a record", "new URLSearchParams({ q: 'a&b', r: '\u00e9', s: 'x y' }).toString()", "q=a%26b&r=%C3%A9&s=x+y"),
                new Case("URLSearchParams from pairs", "[...new URLSearchParams([['a', '1'], ['a', '2']])]", "[[\"a\",\"1\"],[\"a\",\"2\"]]"),
                new Case("URLSearchParams from a string", "(() => { const p = new URLSearchParams('?a=b+c&d=%20e&&f'); "
                        + "return [p.get('a'), p.get('d'), p.get('f'), p.has('g'), p.size]; })()", "[\"b c\",\" e\",\"\",false,3]"),
                new Case("URLSearchParams sort and delete", "(() => { const p = new URLSearchParams('b=2&a=1&c=3&a=0'); p.sort(); "
                        + "p.delete('c'); return p.toString(); })()", "a=1&a=0&b=2"),
                new Case("toJSON", "JSON.stringify({ u: new URL('http://h/x') })", "{\"u\":\"http://h/x\"}"));
    }

    private static Case href(String desc, String args, String expected) {
        return new Case(desc, "new URL(" + args + ").href", expected);
    }

    static Stream<Case> others() {
        return Stream.of(
                new Case("structuredClone copies deeply", "(() => { const a = { d: new Date(0), m: new Map([[1, { x: [1, 2] }]]), "
                        + "s: new Set(['q']), b: new Uint8Array([1, 2]) }; a.self = a; const c = structuredClone(a); "
                        + "return [c !== a, c.self === c, c.d.getTime(), c.m.get(1).x, c.m.get(1) !== a.m.get(1), [...c.s], "
                        + "Array.from(c.b), c.b.buffer !== a.b.buffer]; })()", "[true,true,0,[1,2],true,[\"q\"],[1,2],true]"),
                new Case("structuredClone refuses functions", "structuredClone({ f() {} })",
                        "threw DataCloneError: structuredClone: a function cannot be cloned"),
                new Case("queueMicrotask runs after the current job", "new Promise((resolve) => { const order = []; "
                        + "queueMicrotask(() => order.push('micro')); order.push('sync'); queueMicrotask(() => resolve(order)); })",
                        "[\"sync\",\"micro\"]"),
                new Case("queueMicrotask refuses a non-function", "queueMicrotask(1)",
                        "threw TypeError: queueMicrotask: the argument must be a function"),
                new Case("console methods", "['log', 'info', 'warn', 'error', 'debug'].map((m) => typeof console[m])",
                        "[\"function\",\"function\",\"function\",\"function\",\"function\"]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({ "base64", "text", "crypto", "urls", "others" })
    void globalGivesTheKnownValue(Case c) {
        String actual = sandbox.eval(c.expression());
        if (c.expected().equals("threw TypeError")) {
            assertTrue(actual.startsWith("threw TypeError"), actual);
        } else {
            assertEquals(c.expected(), actual);
        }
    }

    @Test
    void noHostObjectIsReachableFromTheGlobals() {
        String found = sandbox.eval("(async () => {\n" + ScriptSafetyIT.HOST_OBJECT_IN + """
                    const key = await crypto.subtle.importKey('raw', bytes('k'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
                    const url = new URL('http://h/?a=1');
                    return hostObjectIn({ globals: globalThis, key, url, params: url.searchParams }, 0, new Set()) ?? 'none';
                })()""");
        assertEquals("none", found);
    }
}
