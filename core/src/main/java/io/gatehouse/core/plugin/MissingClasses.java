package io.gatehouse.core.plugin;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a class a plugin's code refers to but its class loader cannot give it: a library the author forgot to
 * bundle. PF4J starts such a plugin happily, and the {@link NoClassDefFoundError} would come only when
 * {@code create} or a request first runs the code; the gateway looks at load time instead, and says what to do.
 *
 * <p>Only the classes of an extension's own package (not its subpackages, where shaded libraries live and may refer
 * to optional dependencies on purpose) are read: their constant pools name every class their code uses.
 */
final class MissingClasses {

    private MissingClasses() {
    }

    /**
     * The message for a class the plugin cannot load.
     *
     * @return e.g. {@code plugin 'tenant' cannot load class com.google.common.collect.ImmutableSet — bundle it
     *         (shaded JAR or lib/ in a zip)}
     */
    static String message(String pluginId, String className) {
        return "plugin '" + pluginId + "' cannot load class " + className
                + " — bundle it (shaded JAR or lib/ in a zip)";
    }

    /**
     * The first class referred to by {@code extension}'s package that {@code loader} cannot load.
     *
     * @param loader    the plugin's class loader
     * @param extension the name of one of its extension classes
     * @return the missing class's binary name, or empty when every reference resolves
     */
    static Optional<String> firstMissing(ClassLoader loader, String extension) {
        String ownPackage = extension.substring(0, extension.lastIndexOf('.') + 1);
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(extension));
        seen.add(extension);
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            for (String reference : referencesOf(loader, name)) {
                if (!seen.add(reference) || sameSourceFile(name, reference)) {
                    continue;
                }
                Optional<String> missing = tryLoad(loader, reference);
                if (missing.isPresent()) {
                    return missing;
                }
                if (reference.startsWith(ownPackage) && reference.indexOf('.', ownPackage.length()) < 0) {
                    todo.addLast(reference);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether two classes are one top-level class and its nested ones. They name each other in the constant pool
     * (InnerClasses, NestHost, NestMembers) without needing each other at run time, and are always compiled
     * together: one of them missing is no forgotten library.
     */
    private static boolean sameSourceFile(String one, String other) {
        return topLevel(one).equals(topLevel(other));
    }

    private static String topLevel(String className) {
        int nested = className.indexOf('$', className.lastIndexOf('.') + 1);
        return nested < 0 ? className : className.substring(0, nested);
    }

    /**
     * @return empty when the loader has the class's file; else the class. The class is looked up as a resource, not
     *         loaded: loading (even uninitialised) every class a plugin's package names defined hundreds of library
     *         classes a config might never use (the shipped gRPC plugin's alone were ~100 ms of start and several MiB
     *         of metaspace). Only a class without a file of its own there (the plugin API and PF4J, which the
     *         gateway shares as classes but not as resources, and a missing one) is loaded to decide. A class that is
     *         there but whose own supertype is missing is found when the code first runs, with the same message.
     */
    private static Optional<String> tryLoad(ClassLoader loader, String name) {
        if (loader.getResource(name.replace('.', '/') + ".class") != null) {
            return Optional.empty();
        }
        try {
            Class.forName(name, false, loader);
            return Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(Failures.missingClass(e).orElse(name));
        }
    }

    private static List<String> referencesOf(ClassLoader loader, String className) {
        try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
            return in == null ? List.of() : classReferences(in.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return List.of(); // unreadable: the JVM will say so when it loads it
        }
    }

    /**
     * The classes a class file's constant pool names (arrays as their element class; primitives left out).
     *
     * @param classFile the bytes of a {@code .class} file
     * @return binary names, e.g. {@code com.google.common.collect.ImmutableSet}
     * @throws IOException if the bytes are not a class file
     */
    static List<String> classReferences(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classes = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classes.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> names = new ArrayList<>();
        for (int index : classes) {
            String name = utf8[index];
            if (name == null) {
                continue;
            }
            int dims = 0;
            while (dims < name.length() && name.charAt(dims) == '[') {
                dims++;
            }
            if (dims > 0) {
                if (name.charAt(dims) != 'L') {
                    continue;
                }
                name = name.substring(dims + 1, name.length() - 1);
            }
            names.add(name.replace('/', '.'));
        }
        return names;
    }
}
