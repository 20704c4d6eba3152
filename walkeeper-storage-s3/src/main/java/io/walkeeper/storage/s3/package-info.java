/**
 * The {@code s3:} storage provider: {@link io.walkeeper.storage.s3.S3StorageProvider} opens an
 * {@link io.walkeeper.storage.s3.S3BlobStore} in a bucket of Amazon S3 or an S3-compatible service,
 * configured by the {@link io.walkeeper.storage.s3.S3Settings} keys. Uploads stream with bounded
 * memory (single PutObject or parallel multipart upload), creates are atomic with
 * {@code If-None-Match: *}, and the SDK's own retries are off: walkeeper's core retries the
 * failures that the provider marks retryable.
 */
package io.walkeeper.storage.s3;
