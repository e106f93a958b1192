package io.gatehouse.plugins.auth.apikey;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import io.gatehouse.api.Consumer;
import io.gatehouse.api.Problems;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The users of a {@code filter.basic_auth}: checked one by one, then a table by user name. */
final class Users implements Catalog<BasicAuthConfig.User, Users.Table> {

    static final Users CATALOG = new Users();
    /** bcrypt in the modular crypt format htpasswd, Apache, nginx and most libraries write. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    /** The cost of the decoy hash when there are no users yet. */
    private static final int DEFAULT_COST = 10;

    /** A user's password hash and the consumer it is. */
    record Entry(String passwordHash, Consumer consumer) {
    }

    /**
     * Users by name, and the bcrypt cost most of them have (an unknown user costs as much time). Immutable.
     */
    record Table(Map<String, Entry> byName, int typicalCost) {
    }

    private Users() {
    }

    @Override
    public String noun() {
        return "users";
    }

    @Override
    public Class<BasicAuthConfig.User> type() {
        return BasicAuthConfig.User.class;
    }

    @Override
    public void validate(BasicAuthConfig.User user, String path, Problems problems) {
        if (user == null) {
            problems.add(path, "must be a user: { username: ..., password_hash: ..., groups: [...] }");
            return;
        }
        if (user.username() != null && user.username().indexOf(':') >= 0) {
            problems.add(path + ".username", "must not contain ':' (Basic credentials end the user name there)");
        }
        if (user.passwordHash() != null && !isBcrypt(user.passwordHash())) {
            // never the value: it may be the password itself, pasted where its hash belongs
            problems.add(path + ".password_hash", "must be a bcrypt hash ($2y$, $2b$ or $2a$, cost 04 to 31, 60"
                    + " characters), as htpasswd -nbBC 10 USER PASSWORD prints it after the colon (the value is not"
                    + " shown)");
        }
        Catalog.validateConsumer(user.username(), path + ".username", user.groups(), path + ".groups", problems);
    }

    @Override
    public Table build(List<EntryFile.Located<BasicAuthConfig.User>> users, Problems problems) {
        Map<String, Entry> byName = new HashMap<>();
        Map<String, String> firstPath = new HashMap<>();
        Map<Integer, Integer> costs = new HashMap<>();
        for (EntryFile.Located<BasicAuthConfig.User> located : users) {
            BasicAuthConfig.User user = located.entry();
            String earlier = firstPath.putIfAbsent(user.username(), located.path());
            if (earlier != null) {
                problems.add(located.path() + ".username", "the same user as " + earlier);
                continue;
            }
            byName.put(user.username(), new Entry(user.passwordHash(),
                    new Consumer(user.username(), Consumer.BASIC, user.groups(), Map.of())));
            costs.merge(cost(user.passwordHash()), 1, Integer::sum);
        }
        int typical = costs.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(DEFAULT_COST);
        return new Table(Map.copyOf(byName), typical);
    }

    @Override
    public int size(Table table) {
        return table.byName().size();
    }

    private static boolean isBcrypt(String hash) {
        if (!BCRYPT.matcher(hash).matches()) {
            return false;
        }
        try {
            BCrypt.Version.VERSION_2A.parser.parse(hash.getBytes(StandardCharsets.US_ASCII));
            return true;
        } catch (IllegalBCryptFormatException e) {
            return false;
        }
    }

    /** @return the cost of a valid bcrypt hash: the two digits after {@code $2y$} */
    static int cost(String hash) {
        return Integer.parseInt(hash.substring(4, 6));
    }
}
