/**
 * The walkeeper engine's entry point, {@link io.walkeeper.core.WalKeeper}, and its connection
 * settings. Sub-packages hold the collaborators: {@code repo} (layout, manifests and their
 * summaries, leases, object format, provider discovery), {@code wal} (archive, fetch, prefetch,
 * push-ahead, timelines and integrity of the archive), {@code backup} (the backup run, deltas,
 * catalogue, retention), {@code restore} (restorer, file assembly, recovery settings),
 * {@code drill} (restore drills), {@code pg} (the PostgreSQL session), {@code page} (data pages
 * and their checksums), {@code storage} (retries, deadlines and limits around every store) and
 * {@code io} (stream helpers).
 */
package io.walkeeper.core;
