import { filter } from './add-headers.js';

test('the configured headers go upstream and back to the client', async () => {
    const chain = mockChain({ status: 200, body: 'ok' });
    const response = await runFilter(filter, mockExchange({ path: '/x' }), chain,
        { request: { 'X-Tenant': 'acme' }, response: { 'X-Frame-Options': 'DENY' } });
    expect(chain.request.headers['x-tenant']).toBe('acme');
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect(response.text()).toBe('ok');
});

test('without config: the client address upstream, X-Served-By back', async () => {
    const chain = mockChain();
    const response = await runFilter(filter, mockExchange({ clientIp: '10.0.0.7' }), chain);
    expect(chain.request.headers['x-client-ip']).toBe('10.0.0.7');
    expect(response.headers.get('X-Served-By')).toBe('gatehouse');
});
