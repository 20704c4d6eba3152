/**
 * The walkeeper engine's entry point, {@link io.walkeeper.core.WalKeeper}, and its connection
 * settings. Sub-packages hold the collaborators: {@code repo} (layout, manifests, provider
 * discovery), {@code wal} (archive and fetch), {@code backup}, {@code restore}, {@code pg}
 * (the PostgreSQL session) and {@code io} (stream helpers).
 */
package io.walkeeper.core;
