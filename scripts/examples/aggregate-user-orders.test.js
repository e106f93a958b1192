import { filter } from './aggregate-user-orders.js';

const user = { id: '7', name: 'Ada' };

test('user and orders merged', async () => {
    const exchange = mockExchange({
        params: { id: '7' },
        upstreams: {
            users: (request) => request.path === '/users/7' ? { body: user } : { status: 404 },
            orders: (request) => ({ body: [{ order: 1, query: request.query }] }),
        },
    });
    const response = await runFilter(filter, exchange, mockChain());
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ user, orders: [{ order: 1, query: 'user=7' }], errors: [] });
    expect(exchange.fetches.map((f) => f.upstream).sort()).toEqual(['orders', 'users']);
});

test('a failed orders call gives a partial answer', async () => {
    const exchange = mockExchange({
        params: { id: '7' },
        upstreams: { users: { body: user }, orders: mockUpstreamError('orders', 'upstream_timeout', 504) },
    });
    const response = await runFilter(filter, exchange, mockChain());
    expect(response.status).toBe(200);
    expect(response.json().orders).toBeNull();
    expect(response.json().errors).toEqual([{ upstream: 'orders', reason: 'orders: upstream_timeout' }]);
});

test('an unknown user is a 404, a failed users upstream a 502', async () => {
    const missing = mockExchange({ params: { id: '8' }, upstreams: { users: { status: 404 }, orders: { body: [] } } });
    expect((await runFilter(filter, missing, mockChain())).status).toBe(404);
    const down = mockExchange({ params: { id: '8' }, upstreams: { users: mockUpstreamError('users'), orders: { body: [] } } });
    expect((await runFilter(filter, down, mockChain())).status).toBe(502);
});
