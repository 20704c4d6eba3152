package io.walkeeper.storage.gcs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A loopback HTTP server that answers the Google Cloud Storage JSON API from a script, so that the
 * real client and transport can be tested without the service: it records each request and
 * answers it with what the script returns. It also issues OAuth tokens at {@code /token}, for the
 * service-account key that {@link #serviceAccountKey()} writes. Requests go to 127.0.0.1 only.
 */
final class ScriptedGcsServer implements AutoCloseable {

    /** A request as received. */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        String query() {
            return rawQuery == null ? "" : java.net.URLDecoder.decode(rawQuery, StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, headers and body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response json(int status, String json) {
            return new Response(status, Map.of("Content-Type", "application/json; charset=UTF-8"),
                    json.getBytes(StandardCharsets.UTF_8));
        }

        static Response error(int status, String reason, String message) {
            return json(status, "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"errors\":[{"
                    + "\"domain\":\"global\",\"reason\":\"" + reason + "\",\"message\":\"" + message + "\"}]}}");
        }

        static Response of(int status, Map<String, String> headers) {
            return new Response(status, headers, new byte[0]);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> script = r -> Response.error(500, "backendError", "no script");

    ScriptedGcsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", this::handle);
        server.start();
    }

    /** Returns {@code http://127.0.0.1:port}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Sets how requests are answered from now on. */
    void script(Function<Request, Response> script) {
        this.script = script;
    }

    /** Returns the storage requests received so far (token requests excluded). */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    void clear() {
        requests.clear();
    }

    /**
     * Returns a service-account JSON key with a fresh RSA key whose token endpoint is this server.
     */
    String serviceAccountKey() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded()).replace("\n", "\\n")
                + "\\n-----END PRIVATE KEY-----\\n";
        return "{\"type\":\"service_account\",\"project_id\":\"test-project\",\"private_key_id\":\"k1\","
                + "\"private_key\":\"" + pem + "\",\"client_email\":\"backup@test-project.iam.gserviceaccount.com\","
                + "\"client_id\":\"1\",\"token_uri\":\"" + endpoint() + "/token\"}";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Response response;
            if (exchange.getRequestURI().getRawPath().equals("/token")) {
                response = Response.json(200, "{\"access_token\":\"test-token\",\"expires_in\":3600,"
                        + "\"token_type\":\"Bearer\"}");
            } else {
                Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body);
                requests.add(request);
                response = script.apply(request);
            }
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
