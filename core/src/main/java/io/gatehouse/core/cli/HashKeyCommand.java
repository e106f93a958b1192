package io.gatehouse.core.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/** {@code gatehouse hash-key}: the hash of an API key read from stdin, as {@code filter.api_key} expects it. */
@Command(name = "hash-key", description = {"Read an API key from stdin and print the hash to put in the config "
        + "(filter.api_key's keys[].hash): sha256:<hex>.",
        "One trailing newline is dropped, so `echo KEY | gatehouse hash-key` works. The key is never echoed."},
        footer = {"", "Exit codes: 0 printed, 2 stdin did not hold one key."})
final class HashKeyCommand implements Callable<Integer> {
    /** Keys longer than this are refused: no one types a 64 KiB key, and stdin is read whole. */
    static final int MAX_KEY_BYTES = 64 * 1024;

    @Spec
    CommandSpec spec;

    /** Where the key is read from; stdin unless a test sets it. */
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        byte[] input = in.readNBytes(MAX_KEY_BYTES + 3);
        String hash = hash(input);
        if (hash == null) {
            spec.commandLine().getErr().println("hash-key: expected one key (1 to " + MAX_KEY_BYTES
                    + " bytes, without line breaks) on stdin");
            return GatehouseCommand.USAGE;
        }
        spec.commandLine().getOut().println(hash);
        spec.commandLine().getOut().flush();
        return GatehouseCommand.OK;
    }

    /**
     * @param input what stdin held
     * @return {@code sha256:} and the lower-case hex SHA-256 of the key (the input without one trailing
     *         {@code \n} or {@code \r\n}), or {@code null} when the input is not one key
     */
    static String hash(byte[] input) {
        int length = input.length;
        if (length > 0 && input[length - 1] == '\n') {
            length--;
            if (length > 0 && input[length - 1] == '\r') {
                length--;
            }
        }
        if (length == 0 || length > MAX_KEY_BYTES) {
            return null;
        }
        for (int i = 0; i < length; i++) {
            if (input[i] == '\n' || input[i] == '\r') {
                return null;
            }
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(input, 0, length);
            return "sha256:" + HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
