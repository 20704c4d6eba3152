/**
 * Restoring backups: {@link io.walkeeper.core.restore.DefaultRestorer} selects (through the
 * backup catalogue) and verifies a chain, extracts parts in parallel into a directory it has
 * claimed, assembles delta files block by block, syncs everything durably and writes the recovery
 * settings; {@code RestoreTargets} validates tablespace targets before anything is written.
 */
package io.walkeeper.core.restore;
