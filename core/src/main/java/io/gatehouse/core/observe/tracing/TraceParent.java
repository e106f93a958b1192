package io.gatehouse.core.observe.tracing;

/**
 * Parses a {@code traceparent} header as W3C Trace Context level 1 says: {@code version-traceid-parentid-flags},
 * lowercase hex; version {@code 00} is exactly 55 characters; version {@code ff} is invalid; a higher version is
 * read leniently (its first four fields, with more allowed after a {@code -}); all-zero ids are invalid. No regex,
 * no allocation but the context it returns.
 */
final class TraceParent {

    private static final int LENGTH = 55;

    private TraceParent() {
    }

    /** @return the client's context continued, or {@code null} when the value is not a valid {@code traceparent} */
    static TraceContext parse(String header) {
        String value = header.strip();
        if (value.length() < LENGTH || !shaped(value)) {
            return null;
        }
        int version = Hex.digit(value.charAt(0)) << 4 | Hex.digit(value.charAt(1));
        if (version == 0xff || (version == 0 && value.length() != LENGTH)
                || (value.length() > LENGTH && value.charAt(LENGTH) != '-')) {
            return null;
        }
        long traceHigh = Hex.read(value, 3);
        long traceLow = Hex.read(value, 19);
        long parent = Hex.read(value, 36);
        if ((traceHigh == 0 && traceLow == 0) || parent == 0) {
            return null;
        }
        boolean sampled = (Hex.digit(value.charAt(54)) & 1) == 1;
        return TraceContext.continued(traceHigh, traceLow, parent, sampled);
    }

    /** The fixed layout of the first 55 characters: hex fields and dashes where they belong. */
    private static boolean shaped(String value) {
        return Hex.isHex(value, 0, 2) && value.charAt(2) == '-'
                && Hex.isHex(value, 3, 35) && value.charAt(35) == '-'
                && Hex.isHex(value, 36, 52) && value.charAt(52) == '-'
                && Hex.isHex(value, 53, 55);
    }
}
