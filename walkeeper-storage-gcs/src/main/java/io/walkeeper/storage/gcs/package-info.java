/**
 * The {@code gs:} storage provider: {@link io.walkeeper.storage.gcs.GcsStorageProvider} opens a
 * {@link io.walkeeper.storage.gcs.GcsBlobStore} in a Google Cloud Storage bucket, configured by
 * {@link io.walkeeper.storage.gcs.GcsSettings}. It talks to the JSON API over HTTP, streams uploads
 * through resumable sessions, creates objects with a {@code doesNotExist()} precondition, and
 * leaves retries to walkeeper's storage layer.
 */
package io.walkeeper.storage.gcs;
