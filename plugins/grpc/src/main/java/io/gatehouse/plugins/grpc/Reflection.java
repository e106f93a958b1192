package io.gatehouse.plugins.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a server's schema by gRPC server reflection: its services ({@code list_services}), the file defining each
 * ({@code file_containing_symbol}) and every file those import ({@code file_by_filename}). Speaks
 * {@code grpc.reflection.v1} and falls back to {@code v1alpha} (the same messages) when the server answers
 * UNIMPLEMENTED. Blocking: run it off the request path.
 */
final class Reflection {

    private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1 =
            ServerReflectionGrpc.getServerReflectionInfoMethod().toBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY).build();
    private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1_ALPHA =
            V1.toBuilder().setFullMethodName("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo").build();
    private static final long DEADLINE_SECONDS = 10;

    private final Channel channel;
    private MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method = V1;

    private Reflection(Channel channel) {
        this.channel = channel;
    }

    /**
     * @return the files of every service the server lists, and the files they import
     * @throws StatusRuntimeException when a reflection call fails (UNIMPLEMENTED: the server has no reflection)
     * @throws IllegalStateException  when the server's answers do not fit together
     */
    static List<FileDescriptorProto> fetch(Channel channel) {
        return new Reflection(channel).fetch();
    }

    private List<FileDescriptorProto> fetch() {
        List<String> services = services();
        Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
        for (String service : services) {
            if (service.startsWith("grpc.reflection.")) {
                continue;
            }
            add(files, ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build(), service));
        }
        Deque<String> missing = new ArrayDeque<>();
        files.values().forEach(file -> missing.addAll(file.getDependencyList()));
        while (!missing.isEmpty()) {
            String name = missing.pop();
            if (files.containsKey(name)) {
                continue;
            }
            for (FileDescriptorProto file : add(files, ask(ServerReflectionRequest.newBuilder()
                    .setFileByFilename(name).build(), name))) {
                missing.addAll(file.getDependencyList());
            }
        }
        return new ArrayList<>(files.values());
    }

    private List<String> services() {
        ServerReflectionRequest list = ServerReflectionRequest.newBuilder().setListServices("").build();
        ServerReflectionResponse response;
        try {
            response = ask(list, "list_services");
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                throw e;
            }
            method = V1_ALPHA;
            response = ask(list, "list_services");
        }
        return response.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
    }

    private ServerReflectionResponse ask(ServerReflectionRequest request, String what) {
        ServerReflectionResponse response = ClientCalls.blockingUnaryCall(channel, method,
                CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), request);
        if (response.hasErrorResponse()) {
            throw new IllegalStateException("its reflection service answered "
                    + Status.fromCodeValue(response.getErrorResponse().getErrorCode()).getCode() + " for " + what
                    + ": " + response.getErrorResponse().getErrorMessage());
        }
        return response;
    }

    private static List<FileDescriptorProto> add(Map<String, FileDescriptorProto> files,
                                                 ServerReflectionResponse response) {
        List<FileDescriptorProto> added = new ArrayList<>();
        for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            try {
                FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes, Schema.EXTENSIONS);
                if (files.putIfAbsent(file.getName(), file) == null) {
                    added.add(file);
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("its reflection service sent a file descriptor that does not parse",
                        e);
            }
        }
        return added;
    }
}
