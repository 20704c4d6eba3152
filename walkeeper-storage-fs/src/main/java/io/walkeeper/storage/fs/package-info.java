/**
 * The {@code file:} storage provider: {@link io.walkeeper.storage.fs.FsStorageProvider} opens an
 * {@link io.walkeeper.storage.fs.FsBlobStore} in a directory of a local or mounted file system,
 * writing every object atomically and durably (temporary file, fsync, link or rename, directory
 * fsync).
 */
package io.walkeeper.storage.fs;
