package io.gatehouse.core.admin;

import io.gatehouse.core.Gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The last few config (re)loads and admin API changes, applied or refused, newest first. Thread-safe. */
public final class ReloadHistory {

    private final int size;
    private final Deque<Gateway.ReloadStatus> entries = new ArrayDeque<>();

    /** @param size how many entries are kept */
    public ReloadHistory(int size) {
        this.size = size;
    }

    /** Records an outcome, forgetting the oldest beyond the size; @return {@code status} */
    public synchronized Gateway.ReloadStatus add(Gateway.ReloadStatus status) {
        entries.addFirst(status);
        while (entries.size() > size) {
            entries.removeLast();
        }
        return status;
    }

    /** @return the entries, newest first */
    public synchronized List<Gateway.ReloadStatus> entries() {
        return new ArrayList<>(entries);
    }
}
