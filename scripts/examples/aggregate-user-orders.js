// API aggregation: GET /api/users/:id/summary → one JSON object from two upstreams, called concurrently:
//   users:  GET /users/:id            → the user
//   orders: GET /orders?user=:id      → the user's orders
// If the orders call fails, the answer still has the user, with "orders": null and the reason in "errors".
// If the user call fails, there is nothing to show: 404 when the user does not exist, else 502.
//
//   - id: user-summary
//     match: { methods: [GET], path: /api/users/:id/summary }
//     upstream: users
//     filters:
//       - script: examples/aggregate-user-orders.js

/** @type {import('../gatehouse').FilterFunction} */
export async function filter(exchange, chain, config) {
    // params are in wire form (a%3Bb); decode once so the id is encoded exactly once for each call
    const id = decodeURIComponent(exchange.request.params.id);
    const [user, orders] = await Promise.allSettled([
        exchange.upstreams.fetch('users', { path: '/users/' + encodeURIComponent(id), timeout: config.timeout_ms ?? 2000 }),
        exchange.upstreams.fetch('orders', { path: '/orders', query: { user: id }, timeout: config.timeout_ms ?? 2000 }),
    ]);

    if (user.status === 'rejected' || user.value.status !== 200) {
        const status = user.status === 'fulfilled' && user.value.status === 404 ? 404 : 502;
        const reason = user.status === 'rejected' ? user.reason.message : 'users answered ' + user.value.status;
        log.warn('user', id, 'unavailable:', reason);
        return Response.json({ error: status === 404 ? 'no such user' : 'users upstream failed', id }, status);
    }

    const summary = { user: user.value.json(), orders: null, errors: [] };
    if (orders.status === 'fulfilled' && orders.value.status === 200) {
        summary.orders = orders.value.json();
    } else {
        const reason = orders.status === 'rejected' ? orders.reason.message : 'orders answered ' + orders.value.status;
        log.warn('orders of user', id, 'unavailable:', reason);
        summary.errors.push({ upstream: 'orders', reason });
    }
    return Response.json(summary, 200);
}
