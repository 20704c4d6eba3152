/**
 * OpenPGP encryption and manifest signing. The engine finds it as an
 * {@link io.walkeeper.spi.EncryptionProvider}; the one exported package holds that provider and
 * {@link io.walkeeper.crypto.OpenPgpKeys}, which makes key pairs.
 */
module io.walkeeper.crypto {
    requires transitive io.walkeeper.api;
    requires transitive org.bouncycastle.pg;
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports io.walkeeper.crypto;

    provides io.walkeeper.spi.EncryptionProvider with io.walkeeper.crypto.OpenPgpProvider;
}
