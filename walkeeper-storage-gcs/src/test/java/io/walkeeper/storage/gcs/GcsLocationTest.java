package io.walkeeper.storage.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcsLocationTest {

    private static GcsLocation parse(String uri) {
        return GcsLocation.parse(URI.create(uri));
    }

    @Test
    void bucketAndPrefix() {
        assertEquals(new GcsLocation("my-bucket", ""), parse("gs://my-bucket"));
        assertEquals(new GcsLocation("my-bucket", ""), parse("gs://my-bucket/"));
        assertEquals(new GcsLocation("my-bucket", "pg/main/"), parse("gs://my-bucket/pg/main"));
        assertEquals(new GcsLocation("my-bucket", "pg/main/"), parse("gs://my-bucket/pg/main/"));
        assertEquals(new GcsLocation("my_bucket.example.com", "a b/\u00fc/"),
                parse("gs://my_bucket.example.com/a%20b/%C3%BC"));
        assertEquals(new GcsLocation("b12", "x/"), parse("GS://b12/x"));
    }

    @Test
    void locationUriAndObjectNames() {
        GcsLocation where = parse("gs://my-bucket/pg/main");
        assertEquals(URI.create("gs://my-bucket/pg/main/"), where.uri());
        assertEquals("pg/main/wal/1", where.objectName("wal/1"));
        assertEquals("wal/1", where.key("pg/main/wal/1"));
        assertEquals(URI.create("gs://my-bucket/"), parse("gs://my-bucket").uri());
        assertEquals("gs://my_bucket/a%20b/", parse("gs://my_bucket/a%20b").uri().toString());
    }

    @Test
    void rejectsWhatIsNotABucketAndPrefix() {
        for (String bad : List.of("s3://bucket/x", "gs:bucket/x", "gs:///x", "gs://Bucket/x", "gs://ab/x",
                "gs://-bucket", "gs://bucket-", "gs://bu..cket", "gs://user@bucket/x", "gs://bucket:443/x",
                "gs://bucket/x?versions=true", "gs://bucket/x#f", "gs://bucket//x", "gs://bucket/a/../b",
                "gs://bucket/./a", "gs://" + "b".repeat(64), "gs://bucket/a%0Ab")) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> parse(bad), bad);
            assertTrue(e.getMessage().contains("gs://bucket/optional/prefix"), e.getMessage());
        }
        parse("gs://" + "b".repeat(63));
        parse("gs://" + "b".repeat(63) + "." + "c".repeat(63));
    }
}
