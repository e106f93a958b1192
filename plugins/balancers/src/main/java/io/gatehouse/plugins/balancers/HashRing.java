package io.gatehouse.plugins.balancers;

import io.gatehouse.api.Endpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A consistent-hash ring (Karger et al.): every endpoint of weight &gt; 0 owns {@code virtualNodes × weight} points
 * on a 64-bit circle, placed by hashing its id ({@code scheme://host:port}) with the point's number; a key goes to
 * the owner of the first point at or after its hash. A point depends only on its own endpoint, so adding an
 * endpoint takes keys only for itself (about 1/(N+1) of them) and removing one moves only the keys it owned. The
 * order of the list does not matter.
 *
 * <p>The ring holds at most {@value #MAX_POINTS} points: when the weights ask for more, every endpoint's count is
 * scaled down in proportion (at least one point each).
 */
final class HashRing {

    static final int MAX_POINTS = 1 << 18;
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private final long[] points;
    private final Endpoint[] owners;

    private HashRing(long[] points, Endpoint[] owners) {
        this.points = points;
        this.owners = owners;
    }

    /**
     * @param endpoints    the endpoints; those of weight 0 get no point
     * @param virtualNodes the points per unit of weight
     * @return the ring, empty when no endpoint has a weight &gt; 0
     */
    static HashRing of(List<Endpoint> endpoints, int virtualNodes) {
        long wanted = 0;
        for (Endpoint endpoint : endpoints) {
            wanted += (long) endpoint.weight() * virtualNodes;
        }
        double scale = wanted > MAX_POINTS ? (double) MAX_POINTS / wanted : 1.0;
        record Point(long hash, String ownerId, Endpoint owner) {
        }
        List<Point> all = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (endpoint.weight() == 0) {
                continue;
            }
            long count = Math.max(1, (long) ((double) endpoint.weight() * virtualNodes * scale));
            String id = endpoint.id();
            long base = Hash64.of(id);
            for (long i = 0; i < count; i++) {
                all.add(new Point(Hash64.mix(base + i * GOLDEN), id, endpoint));
            }
        }
        // Ties (two points on one hash) go to the smaller id, so the ring does not depend on the list's order.
        all.sort(Comparator.comparingLong(Point::hash).thenComparing(Point::ownerId));
        long[] points = new long[all.size()];
        Endpoint[] owners = new Endpoint[all.size()];
        for (int i = 0; i < points.length; i++) {
            points[i] = all.get(i).hash();
            owners[i] = all.get(i).owner();
        }
        return new HashRing(points, owners);
    }

    /**
     * @param keyHash the key's 64-bit hash
     * @return the owner of the first point at or after it (wrapping around), or empty for an empty ring
     */
    Optional<Endpoint> locate(long keyHash) {
        if (points.length == 0) {
            return Optional.empty();
        }
        int at = Arrays.binarySearch(points, keyHash);
        if (at < 0) {
            at = -at - 1;
            if (at == points.length) {
                at = 0;
            }
        } else {
            while (at > 0 && points[at - 1] == keyHash) {
                at--; // binarySearch may land on any of equal points; the first one owns the hash
            }
        }
        return Optional.of(owners[at]);
    }

    /** @return how many points the ring has */
    int size() {
        return points.length;
    }
}
