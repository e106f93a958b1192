package io.gatehouse.plugins.auth.apikey;

import io.gatehouse.api.Problems;

import java.util.List;

/**
 * What one kind of entry (an API key, a user) needs from its config and its file: how to check one entry, and how to
 * build the lookup table requests are served from, refusing duplicates.
 *
 * @param <E> the entry as configured
 * @param <S> the lookup table: immutable, swapped whole on a reload
 */
interface Catalog<E extends Record, S> extends EntryFile.Check<E> {

    /** @return what an entry is called in messages, plural: {@code keys}, {@code users} */
    String noun();

    /** @return the entry's record type */
    Class<E> type();

    /**
     * Builds the lookup table from valid entries, reporting duplicates.
     *
     * @param entries every entry, inline ones first, with their paths
     */
    S build(List<EntryFile.Located<E>> entries, Problems problems);

    /** @return how many entries the table holds */
    int size(S table);

    /**
     * Checks the entries of a config, {@code key[0]} to {@code key[n]}, then, if each is valid, that none repeats
     * another.
     */
    static <E extends Record, S> void validateAll(Catalog<E, S> catalog, List<E> entries, String key,
                                                  Problems problems) {
        boolean[] failed = {false};
        Problems counting = (path, message) -> {
            failed[0] = true;
            problems.add(path, message);
        };
        List<EntryFile.Located<E>> located = new java.util.ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            catalog.validate(entries.get(i), key + "[" + i + "]", counting);
            located.add(new EntryFile.Located<>(key + "[" + i + "]", entries.get(i)));
        }
        if (!failed[0]) {
            catalog.build(located, problems);
        }
    }

    /**
     * Checks what becomes a consumer: its id and groups go to the upstream in {@code X-Consumer-*} headers (groups
     * joined by commas), to logs and to scripts.
     */
    static void validateConsumer(String id, String idPath, List<String> groups, String groupsPath,
                                 Problems problems) {
        if (id != null) {
            checkName(id, idPath, problems);
        }
        for (int i = 0; i < groups.size(); i++) {
            String group = groups.get(i);
            if (group == null) {
                problems.add(groupsPath + "[" + i + "]", "must not be empty");
            } else if (group.indexOf(',') >= 0) {
                problems.add(groupsPath + "[" + i + "]", "must not contain ',' (groups reach the upstream joined by"
                        + " commas in X-Consumer-Groups)");
            } else {
                checkName(group, groupsPath + "[" + i + "]", problems);
            }
        }
    }

    private static void checkName(String name, String path, Problems problems) {
        if (name.isBlank()) {
            problems.add(path, "must not be blank");
        } else if (name.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            // headers go out as ISO-8859-1: anything else would reach the upstream mangled, two names as one
            problems.add(path, "must be printable ASCII (it reaches the upstream in an X-Consumer-* header)");
        } else if (!name.equals(name.strip())) {
            problems.add(path, "must not start or end with white space");
        }
    }
}
