package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Consumer;
import io.gatehouse.api.Problems;

import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The keys of a {@code filter.api_key}: checked one by one, then a table by hash. */
final class ApiKeys implements Catalog<ApiKeyConfig.Key, ApiKeys.Table> {

    static final ApiKeys CATALOG = new ApiKeys();

    /** A key's hash and the consumer it identifies. */
    record Entry(byte[] hash, Consumer consumer) {
    }

    /** Keys by the lower-case hex of their hash. Immutable. */
    record Table(Map<String, Entry> byHash) {

        /**
         * Finds the key whose hash is {@code hash}: a lookup by the hash, then a constant-time comparison of the
         * whole hash, so that no timing tells how much of a stored hash a presented key's hash shares.
         *
         * @return the consumer, or {@code null} when no key matches
         */
        Consumer find(byte[] hash) {
            Entry entry = byHash.get(KeyHash.hex(hash));
            return entry != null && MessageDigest.isEqual(entry.hash(), hash) ? entry.consumer() : null;
        }
    }

    private ApiKeys() {
    }

    @Override
    public String noun() {
        return "keys";
    }

    @Override
    public Class<ApiKeyConfig.Key> type() {
        return ApiKeyConfig.Key.class;
    }

    @Override
    public void validate(ApiKeyConfig.Key key, String path, Problems problems) {
        if (key == null) {
            problems.add(path, "must be a key: { hash: ..., consumer: ..., groups: [...] }");
            return;
        }
        if (key.hash() != null && KeyHash.parse(key.hash()) == null) {
            // never the value: it may be the key itself, pasted where its hash belongs
            problems.add(path + ".hash", "must be \"" + KeyHash.PREFIX + "\" followed by the 64 hex digits of the"
                    + " key's SHA-256, as bin/gatehouse hash-key prints it (the value is not shown)");
        }
        Catalog.validateConsumer(key.consumer(), path + ".consumer", key.groups(), path + ".groups", problems);
    }

    @Override
    public Table build(List<EntryFile.Located<ApiKeyConfig.Key>> keys, Problems problems) {
        Map<String, Entry> byHash = new HashMap<>();
        Map<String, String> firstPath = new HashMap<>();
        for (EntryFile.Located<ApiKeyConfig.Key> located : keys) {
            ApiKeyConfig.Key key = located.entry();
            byte[] hash = KeyHash.parse(key.hash());
            String hex = KeyHash.hex(hash);
            String earlier = firstPath.putIfAbsent(hex, located.path());
            if (earlier != null) {
                problems.add(located.path() + ".hash", "the same key as " + earlier + " (each key identifies one"
                        + " consumer)");
                continue;
            }
            byHash.put(hex, new Entry(hash, new Consumer(key.consumer(), Consumer.API_KEY, key.groups(), Map.of())));
        }
        return new Table(Map.copyOf(byHash));
    }

    @Override
    public int size(Table table) {
        return table.byHash().size();
    }
}
