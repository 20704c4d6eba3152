/**
 * Service-provider interfaces for extending walkeeper without touching its engine: storage
 * back ends ({@link io.walkeeper.spi.StorageProvider}, {@link io.walkeeper.spi.BlobStore}),
 * compression codecs ({@link io.walkeeper.spi.CompressionCodec}) and encryption
 * ({@link io.walkeeper.spi.EncryptionProvider}). Implementations are found with
 * {@link java.util.ServiceLoader}. Each declares its settings as {@link io.walkeeper.spi.Setting}s
 * (type, range, default, secrecy, the environment variables a command-line tool maps) and reads
 * them with the shared {@link io.walkeeper.spi.SettingsReader}; {@link io.walkeeper.spi.Redaction}
 * is the one rule for showing values that may hold secrets. A store's download stream can extend
 * {@link io.walkeeper.spi.ProviderInputStream}, which holds the rule for failures part-way through
 * a read (retryable ones resume, others are thrown as they are).
 */
package io.walkeeper.spi;
