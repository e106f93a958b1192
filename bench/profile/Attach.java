import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM through the JDK's attach API: {@code java Attach.java PID LIBRARY OPTIONS}.
 * bench/profile uses it to start and stop async-profiler in a running gateway (the Maven Central artifact ships the
 * library without its {@code asprof} launcher).
 */
public final class Attach {

    private Attach() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java Attach.java PID LIBRARY OPTIONS");
            System.exit(2);
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
