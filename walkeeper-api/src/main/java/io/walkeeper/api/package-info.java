/**
 * walkeeper's public API: the operations ({@link io.walkeeper.api.WalArchiver},
 * {@link io.walkeeper.api.BackupRepository}, {@link io.walkeeper.api.Restorer}), their immutable
 * requests and results, PostgreSQL value types ({@link io.walkeeper.api.Lsn},
 * {@link io.walkeeper.api.WalSegmentName}, {@link io.walkeeper.api.TimelineId}) and the exception
 * hierarchy rooted at {@link io.walkeeper.api.WalKeeperException}. This package depends on the JDK
 * only.
 */
package io.walkeeper.api;
