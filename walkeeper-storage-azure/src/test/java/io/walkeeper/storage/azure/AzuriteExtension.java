package io.walkeeper.storage.azure;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a running {@link AzuriteServer}. One server is shared by every test class of
 * the test run: it starts with the first class that registers this extension and stops when the
 * run ends. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final AzuriteExtension AZURITE = new AzuriteExtension();
 * }</pre>
 */
public final class AzuriteExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AzuriteExtension.class);

    private volatile AzuriteServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(AzuriteServer.class, type -> new Running(AzuriteServer.start()), Running.class)
                .server();
    }

    /**
     * Returns the running server.
     *
     * @return the server
     * @throws IllegalStateException before the test class started
     */
    public AzuriteServer server() {
        AzuriteServer s = server;
        if (s == null) {
            throw new IllegalStateException("Azurite is not started: register AzuriteExtension as a static field");
        }
        return s;
    }

    /** Stops the server when JUnit closes the root store, at the end of the run. */
    private record Running(AzuriteServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }
}
