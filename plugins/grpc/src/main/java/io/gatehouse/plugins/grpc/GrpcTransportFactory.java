package io.gatehouse.plugins.grpc;

import io.gatehouse.api.PluginContext;
import io.gatehouse.api.Problems;
import io.gatehouse.api.Transport;
import io.gatehouse.api.TransportFactory;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code transport.grpc}: an upstream of gRPC servers. Its routes take three kinds of client, told apart by the
 * request's {@code Content-Type}: gRPC clients ({@code application/grpc}, proxied as they are), browsers speaking
 * gRPC-Web ({@code application/grpc-web}, {@code application/grpc-web-text}, translated) and everyone else, whose
 * HTTP/JSON requests are transcoded to calls of the services in the schema ({@code descriptor_set} or server
 * reflection).
 */
@Extension
public final class GrpcTransportFactory implements TransportFactory<GrpcTransportFactory.Config> {

    /**
     * @param descriptorSet      a {@code FileDescriptorSet} file ({@code protoc --include_imports
     *                           --descriptor_set_out=FILE}), relative to the gateway's home; the schema for JSON
     *                           transcoding. Without it the schema comes from the upstream's server reflection
     * @param reflection         fetch the schema by gRPC server reflection; default {@code true} when there is no
     *                           {@code descriptor_set}, and not allowed with one
     * @param unknownFields      what JSON members, query parameters and path variables the request message does not
     *                           have get: {@code reject} (400, the default) or {@code ignore}
     * @param requestHeaders     request headers passed to the upstream as metadata in transcoded calls (native and
     *                           gRPC-Web calls pass every header but hop-by-hop ones); names, case-insensitive.
     *                           Default none
     * @param responseHeaders    response metadata (headers and trailers) passed back as HTTP headers in transcoded
     *                           calls; default none
     * @param caFile             PEM certificates that verify {@code https://} endpoints, relative to the home;
     *                           default the JDK's trust store
     * @param maxMessageSize     the largest message accepted either way; default {@code 4194304} (4 MiB)
     * @param reflectionRetry    how often a failed reflection is tried again; default {@code 5s}
     */
    public record Config(String descriptorSet, Boolean reflection, String unknownFields, List<String> requestHeaders,
                         List<String> responseHeaders, String caFile, Integer maxMessageSize,
                         Duration reflectionRetry) {
        /** Applies the defaults. */
        public Config {
            reflection = reflection == null ? descriptorSet == null : reflection;
            unknownFields = unknownFields == null ? "reject" : unknownFields.toLowerCase(Locale.ROOT);
            requestHeaders = requestHeaders == null ? List.of() : List.copyOf(requestHeaders);
            responseHeaders = responseHeaders == null ? List.of() : List.copyOf(responseHeaders);
            maxMessageSize = maxMessageSize == null ? 4 * 1024 * 1024 : maxMessageSize;
            reflectionRetry = reflectionRetry == null ? Duration.ofSeconds(5) : reflectionRetry;
        }
    }

    @Override
    public String id() {
        return "transport.grpc";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void validate(Config config, Problems problems) {
        if (config.descriptorSet() != null && config.reflection()) {
            problems.add("reflection", "choose one: a descriptor_set, or reflection");
        }
        if (!config.unknownFields().equals("reject") && !config.unknownFields().equals("ignore")) {
            problems.add("unknown_fields", "must be reject or ignore, got '" + config.unknownFields() + "'");
        }
        if (config.maxMessageSize() < 1) {
            problems.add("max_message_size", "must be at least 1 byte, got " + config.maxMessageSize());
        }
        if (config.reflectionRetry().isNegative() || config.reflectionRetry().isZero()) {
            problems.add("reflection_retry", "must be positive");
        }
    }

    @Override
    public Transport create(Config config, PluginContext context) throws Exception {
        return new GrpcTransport(config, context);
    }
}
