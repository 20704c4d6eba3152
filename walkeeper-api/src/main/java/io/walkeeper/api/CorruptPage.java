package io.walkeeper.api;

/**
 * A data page whose checksum did not match, twice, when the backup read it.
 *
 * @param path the file, relative to the data directory (for example {@code base/5/16384})
 * @param block the block number inside that file (segment)
 * @param expected the checksum computed from the page's contents
 * @param found the checksum stored in the page header
 */
public record CorruptPage(String path, long block, int expected, int found) {
    @Override
    public String toString() {
        return path + " block " + block + " (checksum " + found + ", expected " + expected + ")";
    }
}
