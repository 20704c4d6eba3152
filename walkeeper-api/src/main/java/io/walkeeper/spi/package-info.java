/**
 * Service-provider interfaces for extending walkeeper without touching its engine: storage
 * back ends ({@link io.walkeeper.spi.StorageProvider}, {@link io.walkeeper.spi.BlobStore}),
 * compression codecs ({@link io.walkeeper.spi.CompressionCodec}) and encryption
 * ({@link io.walkeeper.spi.EncryptionProvider}). Implementations are found with
 * {@link java.util.ServiceLoader}.
 */
package io.walkeeper.spi;
