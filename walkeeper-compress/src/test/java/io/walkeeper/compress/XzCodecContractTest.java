package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.testkit.CompressionCodecContractTest;

/** Runs the codec contract against {@link XzCodec}. */
class XzCodecContractTest extends CompressionCodecContractTest {

    @Override
    protected CompressionCodec codec() {
        return new XzCodec();
    }

    /**
     * 64 MiB instead of 1 GiB: xz (pure Java LZMA2) compresses at a few MB/s to a few tens of MB/s,
     * so 1 GiB would take minutes. 64 MiB still spans many LZMA2 chunks and 1 MiB dictionary windows.
     */
    @Override
    protected long largeStreamSize() {
        return 64L << 20;
    }
}
