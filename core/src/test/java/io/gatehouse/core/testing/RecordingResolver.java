package io.gatehouse.core.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver (installed by {@code META-INF/services}): the JDK's own, which it calls for every
 * lookup, after noting the name. A test proves that some code never resolves a name by asserting that the name was
 * never looked up.
 */
public final class RecordingResolver extends InetAddressResolverProvider {

    private static final List<String> LOOKED_UP = new CopyOnWriteArrayList<>();

    /** @return every name looked up so far in this JVM, in order */
    public static List<String> lookedUp() {
        return List.copyOf(LOOKED_UP);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                LOOKED_UP.add(host);
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "recording";
    }
}
