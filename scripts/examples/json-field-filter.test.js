import { filter } from './json-field-filter.js';

test('the configured fields are dropped at any depth', async () => {
    const chain = mockChain({ body: { name: 'ada', password: 'x', team: [{ ssn: 1, role: 'lead' }] } });
    const response = await runFilter(filter, mockExchange(), chain, { drop: ['password', 'ssn'] });
    expect(response.json()).toEqual({ name: 'ada', team: [{ role: 'lead' }] });
});

test('a body that is not JSON passes unchanged', async () => {
    const chain = mockChain({ headers: { 'Content-Type': 'text/plain' }, body: 'password=x' });
    const response = await runFilter(filter, mockExchange(), chain);
    expect(response.text()).toBe('password=x');
});
