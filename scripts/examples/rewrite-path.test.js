import { filter } from './rewrite-path.js';

const config = { from: '/legacy/', to: '/v2/' };

test('the prefix is swapped', async () => {
    const chain = mockChain();
    await runFilter(filter, mockExchange({ path: '/legacy/orders', query: 'page=2' }), chain, config);
    expect(chain.request.path).toBe('/v2/orders');
    expect(chain.request.rawQuery).toBe('page=2');
});

test('?id= moves into the path of /users', async () => {
    const chain = mockChain();
    await runFilter(filter, mockExchange({ path: '/legacy/users', query: { id: 'a b', x: '1' } }), chain, config);
    expect(chain.request.path).toBe('/v2/users/a%20b');
    expect(chain.request.rawQuery).toBe('x=1');
});

test('other paths pass unchanged', async () => {
    const chain = mockChain();
    await runFilter(filter, mockExchange({ path: '/other', query: 'id=3' }), chain, config);
    expect(chain.request.path).toBe('/other');
    expect(chain.request.rawQuery).toBe('id=3');
});
