/**
 * Taking backups and keeping them. {@link io.walkeeper.core.backup.DefaultBackupRepository} is the
 * thin facade behind {@code BackupRepository}; each push is one {@code BackupRun} with named
 * phases (preflight, start, reserve the name with a lease, copy, stop and wait for WAL, commit).
 * {@code DeltaPlanner} chooses full or delta and the parent, {@code PartUploads} and
 * {@code PartWriter} stream files into parts, {@link io.walkeeper.core.backup.BackupCatalogue}
 * lists and selects backups (the restorer uses it too), and {@code Retention} with
 * {@code RetentionPlan} decides and carries out what retention deletes.
 */
package io.walkeeper.core.backup;
