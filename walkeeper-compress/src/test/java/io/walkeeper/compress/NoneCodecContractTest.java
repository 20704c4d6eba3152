package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.testkit.CompressionCodecContractTest;

/** Runs the codec contract against {@link NoneCodec}. */
class NoneCodecContractTest extends CompressionCodecContractTest {

    @Override
    protected CompressionCodec codec() {
        return new NoneCodec();
    }
}
