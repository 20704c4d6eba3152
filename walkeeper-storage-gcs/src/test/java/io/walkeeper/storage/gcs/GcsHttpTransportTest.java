package io.walkeeper.storage.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.storage.gcs.ScriptedGcsServer.Request;
import io.walkeeper.storage.gcs.ScriptedGcsServer.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter with the real client and HTTP transport, against {@link ScriptedGcsServer} on
 * loopback: the requests it sends (preconditions, page size, chunks, credentials) and how the
 * answers a real service gives are mapped, including that the client makes exactly one attempt.
 */
class GcsHttpTransportTest {
    private static final URI LOCATION = URI.create("gs://walkeeper-test/repo");
    private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\*|\\d+)");

    @TempDir
    Path tempDir;

    private ScriptedGcsServer server;
    private BlobStore store;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedGcsServer();
        Path key = Files.writeString(tempDir.resolve("key.json"), server.serviceAccountKey());
        store = new GcsStorageProvider().open(LOCATION, Map.of(
                GcsSettings.CREDENTIALS_FILE, key.toString(),
                GcsSettings.ENDPOINT, server.endpoint(),
                GcsSettings.CHUNK_SIZE, "256KiB"));
    }

    @AfterEach
    void stop() {
        store.close();
        server.close();
    }

    private static String object(String name, long size) {
        return "{\"kind\":\"storage#object\",\"bucket\":\"walkeeper-test\",\"name\":\"" + name + "\",\"size\":\""
                + size + "\",\"generation\":\"1\",\"updated\":\"2026-11-22T08:00:00.000Z\"}";
    }

    @Test
    void headReadsMetadataAndSendsTheServiceAccountsToken() {
        server.script(r -> r.rawPath().endsWith("/o/repo%2Fk") ? Response.json(200, object("repo/k", 5))
                : Response.error(404, "notFound", "No such object: walkeeper-test/repo/missing"));
        assertEquals(Optional.of(new BlobInfo("k", 5, Instant.parse("2026-11-22T08:00:00Z"))), store.head("k"));
        assertEquals(Optional.empty(), store.head("missing"));
        Request head = server.requests().get(0);
        assertEquals("GET", head.method());
        assertEquals("/storage/v1/b/walkeeper-test/o/repo%2Fk", head.rawPath());
        assertEquals("Bearer test-token", head.header("Authorization"));
    }

    @Test
    void missingObjectAndMissingBucketAreTold() {
        server.script(r -> Response.error(404, "notFound", "No such object: walkeeper-test/repo/a/b"));
        NotFoundException missing = assertThrows(NotFoundException.class, () -> store.get("a/b").close());
        assertTrue(missing.getMessage().contains("'a/b'"), missing.getMessage());

        server.script(r -> Response.error(404, "notFound", "The specified bucket does not exist."));
        StorageException bucket = assertThrows(StorageException.class, () -> store.get("a/b").close());
        assertFalse(bucket.isRetryable());
        assertTrue(bucket.getMessage().contains("bucket 'walkeeper-test' does not exist"), bucket.getMessage());
        StorageException listing = assertThrows(StorageException.class, () -> store.list("").close());
        assertTrue(listing.getMessage().contains("bucket 'walkeeper-test' does not exist"), listing.getMessage());
    }

    @Test
    void throttlingAndServerErrorsAreRetryableAndTriedOnce() {
        for (int status : new int[] {429, 500, 503}) {
            server.clear();
            server.script(r -> Response.error(status, "backendError", "try again"));
            StorageException read = assertThrows(StorageException.class, () -> store.get("k").close());
            assertTrue(read.isRetryable(), read.getMessage());
            assertTrue(read.getMessage().contains("HTTP " + status), read.getMessage());
            StorageException head = assertThrows(StorageException.class, () -> store.head("k"));
            assertTrue(head.isRetryable(), head.getMessage());
            StorageException write = assertThrows(StorageException.class, () -> store.put("k", out -> out.write(1)));
            assertTrue(write.isRetryable(), write.getMessage());
            assertEquals(3, server.requests().size(), "one request per call: the client must not retry by itself");
        }
    }

    @Test
    void accessDeniedAsksToCheckTheCredentials() {
        for (int status : new int[] {401, 403}) {
            server.script(r -> Response.error(status, "forbidden",
                    "backup@test-project.iam.gserviceaccount.com does not have storage.objects.list access"));
            StorageException e = assertThrows(StorageException.class, () -> store.list("wal/").close());
            assertFalse(e.isRetryable());
            assertTrue(e.getMessage().contains("walkeeper-test") && e.getMessage().contains("credentials"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("test-token") || e.getMessage().contains("PRIVATE KEY"));
        }
    }

    @Test
    void unreachableEndpointIsRetryable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path key = Files.writeString(tempDir.resolve("key2.json"), server.serviceAccountKey());
        try (BlobStore closedPort = new GcsStorageProvider().open(LOCATION, Map.of(
                GcsSettings.CREDENTIALS_FILE, key.toString(), GcsSettings.ENDPOINT, "http://127.0.0.1:" + port))) {
            StorageException e = assertThrows(StorageException.class, () -> closedPort.head("k"));
            assertTrue(e.isRetryable(), e.getMessage());
        }
    }

    @Test
    void createSendsTheDoesNotExistPreconditionAndA412IsAlreadyExists() {
        server.script(r -> Response.error(412, "conditionNotMet",
                "At least one of the pre-conditions you specified did not hold."));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> store.create("wal/1", out -> out.write(1)));
        assertTrue(e.getMessage().contains("'wal/1'"), e.getMessage());
        Request start = server.requests().get(0);
        assertEquals("POST", start.method());
        assertTrue(start.query().contains("uploadType=resumable"), start.query());
        assertTrue(start.query().contains("ifGenerationMatch=0"), start.query());
    }

    @Test
    void uploadsStreamInChunksAndFinishOnlyWhenTheWriterReturns() throws IOException {
        ResumableSessions sessions = new ResumableSessions(server.endpoint());
        server.script(sessions::answer);
        byte[] content = new byte[600 * 1024 + 7];
        new Random(1).nextBytes(content);
        store.put("base/part_1.tar", out -> {
            for (int off = 0; off < content.length; off += 1000) {
                out.write(content, off, Math.min(1000, content.length - off));
            }
        });
        assertArrayEquals(content, sessions.finished);
        long puts = server.requests().stream().filter(r -> r.method().equals("PUT")).count();
        assertTrue(puts >= 3, "256 KiB chunks: " + puts + " PUT requests");
        assertTrue(server.requests().stream().filter(r -> r.method().equals("PUT"))
                .allMatch(r -> r.body().length <= 256 * 1024), "no request carries more than one chunk");

        server.clear();
        sessions.finished = null;
        StorageException e = assertThrows(StorageException.class, () -> store.put("base/part_2.tar", out -> {
            out.write(content);
            throw new IOException("source file vanished");
        }));
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains("source file vanished"), e.getMessage());
        assertEquals(null, sessions.finished, "an upload whose writer failed is never finished");
        assertTrue(server.requests().stream().noneMatch(ResumableSessions::isFinal));

        store.create("empty", out -> { });
        assertArrayEquals(new byte[0], sessions.finished);
    }

    @Test
    void listingsArePagedLazilyAndSkipNamesThatAreNotKeys() {
        server.script(r -> {
            if (r.query().contains("pageToken=t1")) {
                return Response.json(200, "{\"items\":[" + object("repo/wal/3", 3) + "]}");
            }
            return Response.json(200, "{\"nextPageToken\":\"t1\",\"items\":[" + object("repo/wal/1", 1) + ","
                    + object("repo/wal/", 0) + "," + object("repo/wal/2", 2) + "]}");
        });
        try (Stream<BlobInfo> listing = store.list("wal/")) {
            Iterator<BlobInfo> it = listing.iterator();
            assertEquals("wal/1", it.next().key());
            assertEquals(1, server.requests().size(), "the second page is fetched when needed");
            List<String> rest = Stream.generate(() -> null).takeWhile(x -> it.hasNext()).map(x -> it.next().key())
                    .collect(Collectors.toList());
            assertEquals(List.of("wal/2", "wal/3"), rest);
        }
        assertEquals(2, server.requests().size());
        Request first = server.requests().get(0);
        assertEquals("/storage/v1/b/walkeeper-test/o", first.rawPath());
        assertTrue(first.query().contains("prefix=repo/wal/"), first.query());
        assertTrue(first.query().contains("maxResults=1000"), first.query());
    }

    @Test
    void readsStreamFromAnOffset() throws IOException {
        byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
        server.script(r -> {
            String range = r.header("Range");
            int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
            if (from >= content.length) {
                return Response.error(416, "invalid", "The requested range cannot be satisfied.");
            }
            byte[] rest = java.util.Arrays.copyOfRange(content, from, content.length);
            return new Response(from == 0 ? 200 : 206, Map.of("Content-Type", "application/octet-stream",
                    "x-goog-generation", "1"), rest);
        });
        for (int offset : new int[] {0, 3, 10}) {
            try (InputStream in = store.get("k", offset)) {
                assertEquals(new String(content, offset, content.length - offset, StandardCharsets.UTF_8),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8), "offset " + offset);
            }
        }
        assertTrue(server.requests().get(0).rawPath().startsWith("/download/storage/v1/b/walkeeper-test/o/repo%2Fk"),
                server.requests().get(0).rawPath());
    }

    @Test
    void deletesGoInBatchesOfAHundredAndOnlyNotFoundIsIgnored() {
        server.script(GcsHttpTransportTest::answerBatch);
        store.delete(List.of("wal/1", "wal/missing", "wal/2"));
        assertEquals(1, server.requests().size());
        Request batch = server.requests().get(0);
        assertEquals("/batch/storage/v1", batch.rawPath());
        assertEquals(3, deletes(batch).size());
        assertTrue(deletes(batch).get(0).contains("/b/walkeeper-test/o/repo%2Fwal%2F1"), deletes(batch).get(0));

        server.clear();
        store.delete(IntStream.range(0, 250).mapToObj(i -> "k" + i).collect(Collectors.toList()));
        assertEquals(List.of(100, 100, 50), server.requests().stream().map(r -> deletes(r).size())
                .collect(Collectors.toList()));

        StorageException e = assertThrows(StorageException.class,
                () -> store.delete(List.of("wal/1", "wal/denied-1", "wal/denied-2")));
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains("delete 2 objects") && e.getMessage().contains("'wal/denied-1'")
                && e.getMessage().contains("credentials"), e.getMessage());

        server.clear();
        store.delete(List.of("wal/only"));
        assertEquals("DELETE", server.requests().get(0).method());
    }

    private static List<String> deletes(Request batch) {
        return new String(batch.body(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("DELETE "))
                .collect(Collectors.toList());
    }

    /** Answers a batch request part by part: 404 for "missing" objects, 403 for "denied" ones. */
    private static Response answerBatch(Request r) {
        if (!r.rawPath().equals("/batch/storage/v1")) {
            return Response.of(204, Map.of());
        }
        StringBuilder body = new StringBuilder();
        int n = 0;
        for (String delete : deletes(r)) {
            n++;
            body.append("--batch_end\r\nContent-Type: application/http\r\nContent-ID: <response-").append(n)
                    .append(">\r\n\r\n");
            String json = delete.contains("missing") ? "{\"error\":{\"code\":404,\"message\":\"No such object\"}}"
                    : delete.contains("denied") ? "{\"error\":{\"code\":403,\"message\":\"Access denied\"}}" : null;
            if (json == null) {
                body.append("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n\r\n");
            } else {
                int status = json.contains("404") ? 404 : 403;
                body.append("HTTP/1.1 ").append(status).append(status == 404 ? " Not Found" : " Forbidden")
                        .append("\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ")
                        .append(json.length()).append("\r\n\r\n").append(json).append("\r\n");
            }
        }
        body.append("--batch_end--\r\n");
        return new Response(200, Map.of("Content-Type", "multipart/mixed; boundary=batch_end"),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Answers the resumable upload protocol: start, chunks (308), final chunk (200). */
    private static final class ResumableSessions {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final String endpoint;
        volatile byte[] finished;

        ResumableSessions(String endpoint) {
            this.endpoint = endpoint;
        }

        static boolean isFinal(Request r) {
            String range = r.header("Content-Range");
            return r.method().equals("PUT") && range != null && !range.endsWith("/*");
        }

        synchronized Response answer(Request r) {
            if (r.method().equals("POST")) {
                received.reset();
                return Response.of(200, Map.of("Location", endpoint + "/upload/session?upload_id=1"));
            }
            String range = r.header("Content-Range");
            Matcher m = RANGE.matcher(range == null ? "" : range);
            if (m.matches()) {
                received.write(r.body(), 0, r.body().length);
            }
            if (isFinal(r)) {
                finished = received.toByteArray();
                return Response.json(200, object("repo/x", finished.length));
            }
            return Response.of(308, Map.of("Range", "bytes=0-" + (received.size() - 1)));
        }
    }
}
