/** Stream helpers shared by backup, restore and WAL: digests, bounded pipes, fsync of files and directories. */
package io.walkeeper.core.io;
