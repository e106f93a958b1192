package io.gatehouse.core.config;

/** The config {@code bench/reload} writes: one route that each edit changes, then many that stay. */
final class BigConfig {

    private BigConfig() {
    }

    /** @return the routes after the first, as {@code bench/reload}'s {@code filler} writes them */
    static String filler(int routes) {
        StringBuilder out = new StringBuilder(routes * 80);
        for (int i = 1; i <= routes; i++) {
            switch (i % 4) {
                case 0 -> out.append("  - { id: r%d, match: { path: /api/v%d/users/:id/orders }, upstream: backend }\n"
                        .formatted(i, i));
                case 1 -> out.append("  - { id: r%d, match: { path: /svc%d/*rest }, upstream: backend }\n"
                        .formatted(i, i));
                case 2 -> out.append("  - { id: r%d, match: { path: /items/%d, methods: [GET, POST] }, upstream: backend }\n"
                        .formatted(i, i));
                default -> out.append("  - { id: r%d, match: { path: /h/*rest, hosts: [\"h%d.example.com\"] }, upstream: backend }\n"
                        .formatted(i, i));
            }
        }
        return out.toString();
    }

    /** @return the whole config of edit {@code edit}: its first route is {@code /v<edit>} */
    static String text(int edit, String filler) {
        return """
                server: { host: 127.0.0.1, port: 0 }
                admin:  { port: -1 }
                upstreams:
                  backend: { discovery: { type: static, endpoints: [ { url: "http://127.0.0.1:9" } ] } }
                routes:
                  - { id: v%d, match: { path: /v%d }, upstream: backend, rewrite: /hello }
                """.formatted(edit, edit) + filler;
    }
}
