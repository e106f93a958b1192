package io.gatehouse.plugins.grpc;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorDetailsProto;
import io.grpc.protobuf.ProtoUtils;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The services a transcoder can call: descriptors built from {@code FileDescriptorProto}s (a descriptor set file or
 * server reflection), the HTTP bindings of their methods, and a type registry for JSON (the schema's messages, and
 * google.rpc's error details for {@code Any} in error details). Immutable.
 */
final class Schema {

    /** Knows the {@code google.api.http} option, so it is parsed from descriptors rather than left unknown. */
    static final ExtensionRegistry EXTENSIONS = ExtensionRegistry.newInstance();

    static {
        AnnotationsProto.registerAllExtensions(EXTENSIONS);
    }

    /** Services that are the server's plumbing, not its API. */
    private static final List<String> HIDDEN = List.of("grpc.reflection.", "grpc.health.");

    private final List<Binding> bindings;
    private final List<String> services;
    private final JsonFormat.TypeRegistry types;

    private Schema(List<Binding> bindings, List<String> services, JsonFormat.TypeRegistry types) {
        this.bindings = bindings;
        this.services = services;
        this.types = types;
    }

    /**
     * Reads a {@code FileDescriptorSet} ({@code protoc --include_imports --descriptor_set_out}).
     *
     * @throws IllegalArgumentException when it is not one, or lacks an imported file, or a binding is invalid
     */
    static Schema of(byte[] descriptorSet) {
        try {
            return of(FileDescriptorSet.parseFrom(descriptorSet, EXTENSIONS).getFileList());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a FileDescriptorSet: " + e.getMessage(), e);
        }
    }

    /**
     * Builds the schema from files given in any order.
     *
     * @throws IllegalArgumentException when an imported file is missing, the files are inconsistent or an HTTP
     *                                  binding is invalid
     */
    static Schema of(List<FileDescriptorProto> files) {
        Map<String, FileDescriptorProto> byName = new LinkedHashMap<>();
        for (FileDescriptorProto file : files) {
            byName.putIfAbsent(file.getName(), file);
        }
        Map<String, FileDescriptor> built = new LinkedHashMap<>();
        for (String name : byName.keySet()) {
            build(name, byName, built, new HashSet<>());
        }
        JsonFormat.TypeRegistry.Builder types = JsonFormat.TypeRegistry.newBuilder();
        // the generated google.rpc types first: a file the schema holds too is then skipped by name, not doubled
        types.add(ErrorDetailsProto.getDescriptor().getMessageTypes());
        types.add(com.google.rpc.Status.getDescriptor());
        List<Binding> bindings = new ArrayList<>();
        List<String> services = new ArrayList<>();
        for (FileDescriptor file : built.values()) {
            types.add(file.getMessageTypes());
            for (ServiceDescriptor service : file.getServices()) {
                if (HIDDEN.stream().anyMatch(service.getFullName()::startsWith)) {
                    continue;
                }
                services.add(service.getFullName());
                for (MethodDescriptor method : service.getMethods()) {
                    bindings.addAll(bindings(method));
                }
            }
        }
        return new Schema(List.copyOf(bindings), List.copyOf(services), types.build());
    }

    private static FileDescriptor build(String name, Map<String, FileDescriptorProto> files,
                                        Map<String, FileDescriptor> built, Set<String> visiting) {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = files.get(name);
        if (!visiting.add(name)) {
            throw new IllegalArgumentException("the files import each other in a cycle through " + name);
        }
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            if (!files.containsKey(dependency)) {
                throw new IllegalArgumentException(name + " imports " + dependency + ", which is missing (make the"
                        + " descriptor set with protoc --include_imports)");
            }
            dependencies.add(build(dependency, files, built, visiting));
        }
        try {
            FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
            built.put(name, file);
            return file;
        } catch (DescriptorValidationException e) {
            throw new IllegalArgumentException(name + " is not valid: " + e.getMessage(), e);
        }
    }

    private static List<Binding> bindings(MethodDescriptor method) {
        io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpc = grpcMethod(method);
        HttpRule rule = httpRule(method);
        List<Binding> bindings = new ArrayList<>();
        if (rule == null) {
            String path = "/" + method.getService().getFullName() + "/" + method.getName();
            bindings.add(new Binding("POST", PathTemplate.parse(path), "*", "", method, grpc));
            return bindings;
        }
        bindings.add(binding(rule, method, grpc));
        for (HttpRule additional : rule.getAdditionalBindingsList()) {
            bindings.add(binding(additional, method, grpc));
        }
        return bindings;
    }

    private static HttpRule httpRule(MethodDescriptor method) {
        try {
            // descriptors built at run time keep the option as unknown bytes: read them with the extension known
            MethodOptions options = MethodOptions.parseFrom(method.getOptions().toByteString(), EXTENSIONS);
            return options.hasExtension(AnnotationsProto.http) ? options.getExtension(AnnotationsProto.http) : null;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(method.getFullName() + ": its google.api.http option cannot be read",
                    e);
        }
    }

    private static Binding binding(HttpRule rule, MethodDescriptor method,
                                   io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpc) {
        String verb;
        String path;
        switch (rule.getPatternCase()) {
            case GET -> { verb = "GET"; path = rule.getGet(); }
            case PUT -> { verb = "PUT"; path = rule.getPut(); }
            case POST -> { verb = "POST"; path = rule.getPost(); }
            case DELETE -> { verb = "DELETE"; path = rule.getDelete(); }
            case PATCH -> { verb = "PATCH"; path = rule.getPatch(); }
            case CUSTOM -> { verb = rule.getCustom().getKind(); path = rule.getCustom().getPath(); }
            default -> throw new IllegalArgumentException(method.getFullName() + ": its google.api.http rule has no"
                    + " pattern");
        }
        try {
            PathTemplate template = PathTemplate.parse(path);
            Binding binding = new Binding(verb, template, rule.getBody(), rule.getResponseBody(), method, grpc);
            binding.check();
            return binding;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(method.getFullName() + ": " + e.getMessage(), e);
        }
    }

    private static io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod(MethodDescriptor method) {
        io.grpc.MethodDescriptor.MethodType type;
        if (method.isClientStreaming()) {
            type = method.isServerStreaming() ? io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING
                    : io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING;
        } else {
            type = method.isServerStreaming() ? io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING
                    : io.grpc.MethodDescriptor.MethodType.UNARY;
        }
        return io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(type)
                .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(
                        method.getService().getFullName(), method.getName()))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
                .setResponseMarshaller(ProtoUtils.marshaller(
                        DynamicMessage.getDefaultInstance(method.getOutputType())))
                .build();
    }

    /** @return every binding, in the order of the files, services and methods */
    List<Binding> bindings() {
        return bindings;
    }

    /** A binding that matched a request, with the values of its path variables (field path → decoded text). */
    record Match(Binding binding, Map<String, String> variables) {
    }

    /**
     * Finds the binding of a request: of those whose template matches the path, one of the request's method with
     * the most literal segments (the first declared among equals).
     *
     * @param httpMethod the request's method
     * @param path       the request's path (after the route's rewrite)
     * @throws io.gatehouse.api.GatewayException 404 {@code grpc_method_not_found} when no template matches, 405
     *                                           {@code grpc_method_not_allowed} (with {@code Allow}) when only
     *                                           other methods' do
     */
    Match match(String httpMethod, String path) {
        Match best = null;
        Set<String> allowed = new java.util.TreeSet<>();
        for (Binding binding : bindings) {
            Map<String, String> variables = binding.template().match(path);
            if (variables == null) {
                continue;
            }
            if (!binding.httpMethod().equals(httpMethod)) {
                allowed.add(binding.httpMethod());
            } else if (best == null || binding.template().literals() > best.binding().template().literals()) {
                best = new Match(binding, variables);
            }
        }
        if (best != null) {
            return best;
        }
        if (!allowed.isEmpty()) {
            throw new io.gatehouse.api.GatewayException(405, "grpc_method_not_allowed", path + " is bound to "
                    + String.join(", ", allowed) + " only").header("Allow", String.join(", ", allowed));
        }
        throw new io.gatehouse.api.GatewayException(404, "grpc_method_not_found", "no gRPC method is bound to "
                + httpMethod + " " + path);
    }

    /** @return the full names of the services exposed (reflection and health left out) */
    List<String> services() {
        return services;
    }

    /** @return the registry that resolves {@code Any} for JSON */
    JsonFormat.TypeRegistry types() {
        return types;
    }

    /** @return a message type of the schema by full name, or {@code null} */
    Descriptor type(String fullName) {
        return types.find(fullName);
    }
}
