import { filter } from './verify-webhook.js';
import { sign } from './lib/hmac.js';

const config = { secret: 'It\'s a Secret to Everybody' };
const body = 'Hello, World!';

test('a body signed with the secret goes upstream', async () => {
    // GitHub's documented example: this secret, this body, this signature
    const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await sign(config.secret, body)).toBe(signature.slice(7));
    const chain = mockChain({ status: 204 });
    const exchange = mockExchange({ method: 'POST', body, headers: { 'X-Hub-Signature-256': signature } });
    const response = await runFilter(filter, exchange, chain, config);
    expect(chain.proceeded).toBe(true);
    expect(chain.request.body).toBe(body);
    expect(response.status).toBe(204);
});

test('a wrong, malformed or missing signature is a 401 and nothing goes upstream', async () => {
    for (const header of ['sha256=' + '0'.repeat(64), 'sha256=zz', 'sha1=abc', undefined]) {
        const chain = mockChain();
        const headers = header === undefined ? {} : { 'X-Hub-Signature-256': header };
        const response = await runFilter(filter, mockExchange({ method: 'POST', body, headers }), chain, config);
        expect(response.status).toBe(401);
        expect(response.json()).toEqual({ error: 'bad or missing signature' });
        expect(chain.proceeded).toBe(false);
    }
});

test('the header name is configurable', async () => {
    const signature = 'sha256=' + await sign('s3', 'x');
    const exchange = mockExchange({ method: 'POST', body: 'x', headers: { 'X-Signature': signature } });
    const response = await runFilter(filter, exchange, mockChain(), { secret: 's3', header: 'X-Signature' });
    expect(response.status).toBe(200);
});

test('without a secret the filter fails loudly', async () => {
    await expect(runFilter(filter, mockExchange(), mockChain(), {})).rejects.toThrow('needs config.secret');
});
