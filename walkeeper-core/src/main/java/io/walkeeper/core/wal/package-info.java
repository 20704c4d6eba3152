/**
 * Archiving and fetching WAL files: segment header checks, pushing ready segments ahead of
 * PostgreSQL's archiver, prefetching the next segments of a recovery, and reading the archive as
 * a whole (its timelines, gaps and integrity).
 */
package io.walkeeper.core.wal;
