/** Archiving and fetching WAL files, segment header checks, and pushing ready segments ahead of PostgreSQL's archiver. */
package io.walkeeper.core.wal;
