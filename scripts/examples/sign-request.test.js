import { filter } from './sign-request.js';
import { sign } from './lib/hmac.js';

test('the upstream gets a timestamp and the HMAC of method, path and timestamp', async () => {
    const chain = mockChain({ status: 200, body: 'fine' });
    const response = await runFilter(filter, mockExchange({ method: 'PUT', path: '/orders/7' }), chain, { secret: 'k' });
    const timestamp = chain.request.headers['x-gatehouse-timestamp'];
    expect(timestamp).toMatch(/^[0-9]+$/);
    expect(chain.request.headers['x-gatehouse-signature'])
        .toBe('sha256=' + await sign('k', 'PUT\n/orders/7\n' + timestamp));
    expect(response.text()).toBe('fine');
});
