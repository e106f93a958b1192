package io.gatehouse.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Facts about this plugin API.
 */
public final class GatehouseApi {

    /**
     * The version of this API, in semver. A plugin declares the version it needs in its {@code Plugin-Requires}
     * manifest attribute (e.g. {@code >=1.0.0}); the core refuses a plugin whose requirement this version does
     * not meet.
     */
    public static final String VERSION = readVersion();

    private GatehouseApi() {
    }

    private static String readVersion() {
        try (InputStream in = GatehouseApi.class.getResourceAsStream("api.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException("plugin-api is missing io/gatehouse/api/api.properties",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }
}
