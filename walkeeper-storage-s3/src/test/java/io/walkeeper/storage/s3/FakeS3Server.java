package io.walkeeper.storage.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted S3 endpoint on 127.0.0.1: a JDK HTTP server that answers every request with what a
 * {@link Responder} says, and records the requests, to check what the store sends and how it
 * reads answers that S3Mock cannot produce (403, 503, paging order).
 */
final class FakeS3Server implements AutoCloseable {

    /** One request as received. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, long bodyBytes) {

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        boolean hasQuery(String parameter) {
            return query != null && ("&" + query).contains("&" + parameter);
        }
    }

    /** One answer. */
    record Response(int status, Map<String, String> headers, String body) {

        static Response ok(String body) {
            return new Response(200, Map.of(), body);
        }

        static Response empty(int status, Map<String, String> headers) {
            return new Response(status, headers, null);
        }

        /** An S3 error document, as S3 sends it. */
        static Response error(int status, String code, String message) {
            return new Response(status, Map.of(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
                    + "</Code><Message>" + message + "</Message><RequestId>4442587FB7D0A2F9</RequestId>"
                    + "<HostId>fake</HostId></Error>");
        }
    }

    /** Decides the answer to a request. */
    @FunctionalInterface
    interface Responder {
        Response respond(Request request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private FakeS3Server(Responder responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, responder));
        server.start();
    }

    /** Starts a server that answers with {@code responder}. */
    static FakeS3Server start(Responder responder) throws IOException {
        return new FakeS3Server(responder);
    }

    /** Starts a server that answers every request with the same S3 error. */
    static FakeS3Server failing(int status, String code, String message) throws IOException {
        return start(request -> Response.error(status, code, message));
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return requests.size();
    }

    int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    void reset() {
        requests.clear();
        maxInFlight.set(0);
    }

    private void handle(HttpExchange exchange, Responder responder) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (exchange) {
            long bodyBytes;
            try (InputStream in = exchange.getRequestBody()) {
                bodyBytes = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), bodyBytes);
            requests.add(request);
            Response response;
            try {
                response = responder.respond(request);
            } catch (Exception e) {
                response = Response.error(500, "InternalError", "fake server failed: " + e);
            }
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("x-amz-request-id", "4442587FB7D0A2F9");
            byte[] body = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
            if (body.length > 0) {
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
            }
            boolean head = exchange.getRequestMethod().toUpperCase(Locale.ROOT).equals("HEAD");
            // A request stops counting before its answer leaves: once the client has read the answer it may send
            // the next one, possibly before this thread gets to run again.
            inFlight.decrementAndGet();
            counted = false;
            exchange.sendResponseHeaders(response.status(), head || body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
