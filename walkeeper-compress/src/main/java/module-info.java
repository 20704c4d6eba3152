/**
 * The compression codecs: lz4 (the default), zstd, brotli, xz and none. The engine finds them as
 * {@link io.walkeeper.spi.CompressionCodec}s; the module exports no package.
 */
@SuppressWarnings("requires-automatic")
module io.walkeeper.compress {
    requires io.walkeeper.api;
    requires com.aayushatharva.brotli4j;
    requires com.github.luben.zstd_jni;
    requires org.apache.commons.compress;
    requires org.lz4.java;
    requires org.tukaani.xz;

    provides io.walkeeper.spi.CompressionCodec with io.walkeeper.compress.Lz4Codec, io.walkeeper.compress.ZstdCodec,
            io.walkeeper.compress.BrotliCodec, io.walkeeper.compress.XzCodec, io.walkeeper.compress.NoneCodec;
}
