package io.gatehouse.core.websocket;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;

/** The client's connection as a tunnel sees it, handed over by the listener once the handshake succeeded. */
public interface ClientSide {

    /** @return what the client sent, including any bytes already read past its handshake */
    DataReader reader();

    /**
     * Writes to the client, bounded by the listener's write timeout; one writer at a time.
     *
     * @throws RuntimeException when the client cannot be written to
     */
    void write(BufferData data);

    /** Closes the client's connection (unblocking a read). */
    void close();
}
