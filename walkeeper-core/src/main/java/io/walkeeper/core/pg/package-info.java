/**
 * The PostgreSQL side of a backup: {@code BackupSession} (start and stop the backup, read server
 * facts), implemented over JDBC by {@code PgSession}; unit tests of a backup run script it.
 */
package io.walkeeper.core.pg;
