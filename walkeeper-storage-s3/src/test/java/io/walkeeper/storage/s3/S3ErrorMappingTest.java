package io.walkeeper.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.storage.s3.FakeS3Server.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the store reads S3's answers, against a scripted fake endpoint: refused credentials and
 * missing buckets fail at once and are not retryable, throttling and server errors are retryable,
 * and each failure costs exactly one request (the SDK's own retries are off).
 */
class S3ErrorMappingTest {
    private static final String BUCKET = "backups-bucket";
    private static final String SECRET = "wJalrXUtnFEMI-not-a-real-secret";

    private static BlobStore open(String endpoint, String... extra) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                S3Settings.ENDPOINT, endpoint,
                S3Settings.ACCESS_KEY_ID, "AKIAFAKEKEYID",
                S3Settings.SECRET_ACCESS_KEY, SECRET));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return new S3StorageProvider().open(URI.create("s3://" + BUCKET + "/pg/main"), settings);
    }

    /** Every call of the SPI, each expected to fail against an endpoint that refuses everything. */
    private static Map<String, Executable> calls(BlobStore store) {
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("get", () -> store.get("wal/000000010000000000000001").close());
        calls.put("ranged get", () -> store.get("wal/000000010000000000000001", 10).close());
        calls.put("head", () -> store.head("wal/000000010000000000000001"));
        calls.put("list", () -> store.list("wal/").close());
        calls.put("create", () -> store.create("wal/000000010000000000000001", out -> out.write(1)));
        calls.put("put", () -> store.put("wal/000000010000000000000001", out -> out.write(1)));
        calls.put("delete", () -> store.delete(List.of("wal/000000010000000000000001")));
        return calls;
    }

    @ParameterizedTest
    @CsvSource({
            "AccessDenied, Access Denied",
            "InvalidAccessKeyId, The AWS Access Key Id you provided does not exist in our records.",
            "SignatureDoesNotMatch, The request signature we calculated does not match the signature you provided."})
    void refusedCredentialsFailAtOnceNamingBucketAndCredentials(String code, String message) throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(403, code, message); BlobStore store = open(server.endpoint())) {
            for (Map.Entry<String, Executable> call : calls(store).entrySet()) {
                server.reset();
                StorageException e = assertThrows(StorageException.class, call.getValue(), call.getKey());
                assertFalse(e.isRetryable(), call.getKey() + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("'" + BUCKET + "'"), e.getMessage());
                assertTrue(e.getMessage().contains("credentials"), e.getMessage());
                assertTrue(e.getMessage().contains(server.endpoint()), e.getMessage());
                assertFalse(e.getMessage().contains(SECRET), e.getMessage());
                assertFalse(e.getMessage().contains("AKIAFAKEKEYID"), e.getMessage());
                assertEquals(1, server.requestCount(), call.getKey() + ": requests sent");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            "503, SlowDown, Please reduce your request rate.",
            "500, InternalError, We encountered an internal error. Please try again.",
            "429, TooManyRequests, Too many requests"})
    void throttlingAndServerErrorsAreRetryableAfterOneRequest(int status, String code, String message)
            throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(status, code, message); BlobStore store = open(server.endpoint())) {
            for (Map.Entry<String, Executable> call : calls(store).entrySet()) {
                server.reset();
                StorageException e = assertThrows(StorageException.class, call.getValue(), call.getKey());
                assertTrue(e.isRetryable(), call.getKey() + ": " + e.getMessage());
                assertEquals(1, server.requestCount(), call.getKey() + ": requests sent");
            }
        }
    }

    @Test
    void requestTimeoutIsRetryable() throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(400, "RequestTimeout", "Your socket connection to the server "
                + "was not read from or written to within the timeout period.");
                BlobStore store = open(server.endpoint())) {
            StorageException e = assertThrows(StorageException.class, () -> store.put("k", out -> out.write(1)));
            assertTrue(e.isRetryable(), e.getMessage());
        }
    }

    @Test
    void otherClientErrorsAreNotRetryable() throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(400, "InvalidArgument", "Invalid argument");
                BlobStore store = open(server.endpoint())) {
            StorageException e = assertThrows(StorageException.class, () -> store.get("k").close());
            assertFalse(e.isRetryable(), e.getMessage());
            assertTrue(e.getMessage().contains("InvalidArgument"), e.getMessage());
            assertEquals(1, server.requestCount());
        }
    }

    @Test
    void missingBucketNamesBucketAndEndpoint() throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(404, "NoSuchBucket", "The specified bucket does not exist");
                BlobStore store = open(server.endpoint())) {
            for (Map.Entry<String, Executable> call : calls(store).entrySet()) {
                server.reset();
                StorageException e = assertThrows(StorageException.class, call.getValue(), call.getKey());
                assertFalse(e.isRetryable(), e.getMessage());
                assertTrue(e.getMessage().contains("bucket '" + BUCKET + "' does not exist at endpoint "
                        + server.endpoint()), e.getMessage());
                // HEAD answers have no body: head() asks HeadBucket once to tell a missing bucket from a missing key
                assertEquals(call.getKey().equals("head") ? 2 : 1, server.requestCount(), call.getKey());
            }
        }
    }

    @Test
    void headChecksTheBucketOnlyOnce() throws IOException {
        try (FakeS3Server server = FakeS3Server.start(request -> request.path().equals("/" + BUCKET)
                ? Response.empty(200, Map.of()) : Response.empty(404, Map.of()));
                BlobStore store = open(server.endpoint())) {
            assertEquals(Optional.empty(), store.head("a"));
            assertEquals(2, server.requestCount(), "HeadObject, then HeadBucket");
            assertEquals(Optional.empty(), store.head("b"));
            assertEquals(3, server.requestCount(), "the bucket is known to exist");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "412, PreconditionFailed, At least one of the pre-conditions you specified did not hold",
            "409, ConditionalRequestConflict, A conflicting conditional action is currently in progress"})
    void refusedCreateIsAlreadyExists(int status, String code, String message) throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(status, code, message); BlobStore store = open(server.endpoint())) {
            AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                    () -> store.create("wal/000000010000000000000001", out -> out.write(1)));
            assertTrue(e.getMessage().contains("wal/000000010000000000000001"), e.getMessage());
            assertEquals("*", server.requests().get(0).header("If-None-Match"));
        }
    }

    @Test
    void refusedConnectionIsRetryable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (BlobStore store = open("http://127.0.0.1:" + port)) {
            StorageException e = assertThrows(StorageException.class, () -> store.get("k").close());
            assertTrue(e.isRetryable(), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void connectionClosedWithoutAnswerIsRetryable() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.getInputStream().read(new byte[1024]);
                        s.setSoLinger(true, 0); // reset the connection
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (BlobStore store = open("http://127.0.0.1:" + socket.getLocalPort())) {
                StorageException e = assertThrows(StorageException.class, () -> store.head("k"));
                assertTrue(e.isRetryable(), e.getMessage());
                e = assertThrows(StorageException.class, () -> store.put("k", out -> out.write(new byte[100_000])));
                assertTrue(e.isRetryable(), e.getMessage());
            }
        }
    }

    @Test
    void wrongRegionSaysSo() throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(400, "AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'");
                BlobStore store = open(server.endpoint())) {
            StorageException e = assertThrows(StorageException.class, () -> store.get("k").close());
            assertFalse(e.isRetryable());
            assertTrue(e.getMessage().contains(S3Settings.REGION), e.getMessage());
        }
    }

    @Test
    void failedPartAbortsTheUploadAndIsRetryable() throws IOException {
        try (FakeS3Server server = FakeS3Server.start(FakeMultipart.failingParts(503, "SlowDown"));
                BlobStore store = open(server.endpoint(), S3Settings.PART_SIZE, String.valueOf(S3Settings.PART_SIZE_MIN),
                        S3Settings.UPLOAD_CONCURRENCY, "2")) {
            long[] written = new long[1];
            StorageException e = assertThrows(StorageException.class, () -> store.create("big", out -> {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 1000; i++) { // 62.5 MiB unless the store stops the writer
                    out.write(chunk);
                    written[0] += chunk.length;
                }
            }));
            assertTrue(e.isRetryable(), e.getMessage());
            assertTrue(e.getMessage().contains("part"), e.getMessage());
            assertTrue(written[0] < 1000L * 64 * 1024, "the writer is stopped once a part failed");
            List<FakeS3Server.Request> requests = server.requests();
            FakeS3Server.Request last = requests.get(requests.size() - 1);
            assertEquals("DELETE", last.method(), "the upload is aborted: " + requests);
            assertTrue(last.hasQuery("uploadId=" + FakeMultipart.UPLOAD_ID), last.query());
            assertTrue(requests.stream().noneMatch(r -> r.method().equals("POST") && r.hasQuery("uploadId")),
                    "never completed");
        }
    }

    @Test
    void multipartCreateIsConditionalAndPartsUploadInParallel() throws IOException {
        try (FakeS3Server server = FakeS3Server.start(FakeMultipart.slowParts(300));
                BlobStore store = open(server.endpoint(), S3Settings.PART_SIZE, String.valueOf(S3Settings.PART_SIZE_MIN),
                        S3Settings.UPLOAD_CONCURRENCY, "3", S3Settings.SSE, "aws:kms",
                        S3Settings.SSE_KMS_KEY_ID, "alias/backups", S3Settings.STORAGE_CLASS, "STANDARD_IA")) {
            int size = 7 * S3Settings.PART_SIZE_MIN + 123;
            store.create("big", out -> out.write(new byte[size]));
            List<FakeS3Server.Request> requests = server.requests();
            FakeS3Server.Request initiate = requests.get(0);
            assertEquals("POST", initiate.method());
            assertTrue(initiate.hasQuery("uploads"), initiate.query());
            assertEquals("aws:kms", initiate.header("x-amz-server-side-encryption"));
            assertEquals("alias/backups", initiate.header("x-amz-server-side-encryption-aws-kms-key-id"));
            assertEquals("STANDARD_IA", initiate.header("x-amz-storage-class"));
            assertEquals("/" + BUCKET + "/pg/main/big", initiate.path());
            List<FakeS3Server.Request> parts = requests.stream().filter(r -> r.method().equals("PUT")).toList();
            assertEquals(8, parts.size());
            FakeS3Server.Request complete = requests.get(requests.size() - 1);
            assertEquals("POST", complete.method());
            assertTrue(complete.hasQuery("uploadId=" + FakeMultipart.UPLOAD_ID), complete.query());
            assertEquals("*", complete.header("If-None-Match"));
            assertTrue(server.maxConcurrentRequests() >= 2, "parts upload in parallel");
            assertTrue(server.maxConcurrentRequests() <= 3, "at most s3.upload-concurrency parts in flight, got "
                    + server.maxConcurrentRequests());

            server.reset();
            store.put("big", out -> out.write(new byte[size]));
            FakeS3Server.Request completePut = server.requests().get(server.requestCount() - 1);
            assertEquals(null, completePut.header("If-None-Match"), "put replaces");
        }
    }

    @Test
    void refusedMultipartCreateIsAbortedAndAlreadyExists() throws IOException {
        FakeS3Server.Responder multipart = FakeMultipart.slowParts(0);
        try (FakeS3Server server = FakeS3Server.start(request -> request.method().equals("POST")
                && request.hasQuery("uploadId=") ? Response.error(412, "PreconditionFailed",
                        "At least one of the pre-conditions you specified did not hold") : multipart.respond(request));
                BlobStore store = open(server.endpoint(), S3Settings.PART_SIZE, String.valueOf(S3Settings.PART_SIZE_MIN))) {
            assertThrows(AlreadyExistsException.class,
                    () -> store.create("big", out -> out.write(new byte[2 * S3Settings.PART_SIZE_MIN + 1])));
            List<String> calls = server.requests().stream().map(r -> r.method() + (r.hasQuery("uploads") ? " uploads"
                    : r.hasQuery("partNumber=") ? " part" : r.hasQuery("uploadId=") ? " upload" : "")).toList();
            assertEquals(List.of("POST uploads", "PUT part", "PUT part", "PUT part", "POST upload", "DELETE upload"),
                    calls, "CompleteMultipartUpload refused, then AbortMultipartUpload; the existing object is not touched");
        }
    }

    @Test
    void singlePutSendsSettingsAndNoConditionForPut() throws IOException {
        try (FakeS3Server server = FakeS3Server.start(request -> Response.empty(200, Map.of("ETag", "\"e\"")));
                BlobStore store = open(server.endpoint(), S3Settings.SSE, "AES256")) {
            store.put("small", out -> out.write("hello".getBytes(StandardCharsets.UTF_8)));
            store.create("small2", out -> out.write("hello".getBytes(StandardCharsets.UTF_8)));
            List<FakeS3Server.Request> requests = server.requests();
            assertEquals(2, requests.size());
            assertEquals("PUT", requests.get(0).method());
            assertEquals("AES256", requests.get(0).header("x-amz-server-side-encryption"));
            assertEquals(null, requests.get(0).header("If-None-Match"));
            assertEquals("*", requests.get(1).header("If-None-Match"));
        }
    }

    @Test
    void conditionalWritesOffChecksThenPuts() throws IOException {
        try (FakeS3Server server = FakeS3Server.start(request -> request.method().equals("HEAD")
                && !request.path().equals("/" + BUCKET) ? Response.empty(404, Map.of())
                : Response.empty(200, Map.of("ETag", "\"e\"")));
                BlobStore store = open(server.endpoint(), S3Settings.CONDITIONAL_WRITES, "false")) {
            store.create("k", out -> out.write(1));
            List<FakeS3Server.Request> requests = server.requests();
            assertEquals(List.of("HEAD", "HEAD", "PUT"), requests.stream().map(FakeS3Server.Request::method).toList(),
                    "HeadObject, HeadBucket (first 404), PutObject");
            assertEquals(null, requests.get(2).header("If-None-Match"));
        }
    }

    @Test
    void unsupportedConditionalWriteHintsAtTheSetting() throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(501, "NotImplemented",
                "A header you provided implies functionality that is not implemented");
                BlobStore store = open(server.endpoint())) {
            WalKeeperException e = assertThrows(StorageException.class, () -> store.create("k", out -> out.write(1)));
            assertTrue(e.getMessage().contains(S3Settings.CONDITIONAL_WRITES + "=false"), e.getMessage());
        }
    }

    @Test
    void listingPagesLazilyInTheServersOrderAndDecodesKeys() throws IOException {
        String page1 = listPage(true, "token-2", "pg/main/order/b", "pg/main/order/dir/", "pg/main/order/%EF%BC%A1");
        String page2 = listPage(false, null, "pg/main/order/%F0%9F%98%80", "pg/main/order/with%20space%2Bplus");
        try (FakeS3Server server = FakeS3Server.start(request -> Response.ok(
                request.hasQuery("continuation-token=") ? page2 : page1));
                BlobStore store = open(server.endpoint())) {
            var listing = store.list("order/");
            assertEquals(1, server.requestCount(), "the first page is fetched by list()");
            List<String> keys = listing.map(info -> info.key()).toList();
            assertEquals(List.of("order/b", "order/\uFF21", "order/\uD83D\uDE00", "order/with space+plus"), keys,
                    "server order kept, URL-encoding decoded, the folder marker skipped");
            assertEquals(2, server.requestCount());
            FakeS3Server.Request first = server.requests().get(0);
            assertTrue(first.hasQuery("prefix=pg%2Fmain%2Forder%2F") || first.hasQuery("prefix=pg/main/order/"),
                    first.query());
            assertTrue(first.hasQuery("encoding-type=url"), first.query());
            assertTrue(server.requests().get(1).hasQuery("continuation-token=token-2"), server.requests().get(1).query());
        }
    }

    private static String listPage(boolean truncated, String next, String... encodedKeys) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET + "</Name>"
                + "<Prefix>pg%2Fmain%2Forder%2F</Prefix><KeyCount>" + encodedKeys.length + "</KeyCount>"
                + "<MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>" + truncated + "</IsTruncated>");
        if (next != null) {
            b.append("<NextContinuationToken>").append(next).append("</NextContinuationToken>");
        }
        for (String key : encodedKeys) {
            b.append("<Contents><Key>").append(key).append("</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
                    + "<ETag>\"e\"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        return b.append("</ListBucketResult>").toString();
    }

    @Test
    void closedStoreFailsWithoutRequests() throws IOException {
        try (FakeS3Server server = FakeS3Server.failing(500, "InternalError", "x")) {
            BlobStore store = open(server.endpoint());
            store.close();
            store.close();
            for (Map.Entry<String, Executable> call : calls(store).entrySet()) {
                StorageException e = assertThrows(StorageException.class, call.getValue(), call.getKey());
                assertInstanceOf(StorageException.class, e);
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
            }
            assertEquals(0, server.requestCount());
        }
    }
}
