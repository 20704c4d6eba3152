package io.walkeeper.storage.azure;

import io.walkeeper.api.ConfigurationException;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.ClientOptions;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds the SDK clients of one store: resolves the blob endpoint, the account and the credential
 * from the location and the settings, and configures the SDK with the JDK HTTP client and without
 * retries of its own (walkeeper retries failed calls in one place, by
 * {@link io.walkeeper.api.StorageException#isRetryable()}).
 */
final class AzureClientFactory {

    /** How long to wait for a TCP connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** How long a request body write, a response's headers, or a read of its body may stall. */
    static final Duration IO_TIMEOUT = Duration.ofSeconds(60);

    private static final String IDENTITY_BUILDER = "com.azure.identity.DefaultAzureCredentialBuilder";

    private AzureClientFactory() {
    }

    /**
     * A configured client builder and what it was resolved to.
     *
     * @param builder ready for {@code buildClient()} and {@code buildAsyncClient()}
     * @param endpoint the blob endpoint, without trailing {@code /}
     * @param account the account name, or {@code null} if unknown (a SAS with a custom endpoint)
     * @param credentialKind which credential is used, for messages
     */
    record Resolved(BlobServiceClientBuilder builder, String endpoint, String account, String credentialKind) {
    }

    /**
     * Resolves the endpoint, account and credential of {@code location} and configures a client
     * builder for them.
     *
     * @param context what is being opened, for messages
     * @throws ConfigurationException if the settings do not name an account or credentials, or
     *     contradict each other or the location
     */
    static Resolved resolve(AzureLocation location, AzureProperties props, String context) {
        ConnectionString cs = props.connectionString();
        String endpoint;
        if (location.endpoint() != null) {
            if (props.endpoint() != null) {
                throw new ConfigurationException("Cannot open " + context + ": setting " + AzureSettings.ENDPOINT
                        + " is only for azure:// locations; this location names its endpoint itself");
            }
            if (cs != null && !sameUrl(cs.blobEndpoint(), location.endpoint())) {
                throw new ConfigurationException("Cannot open " + context + ": setting "
                        + AzureSettings.CONNECTION_STRING + " is for endpoint " + cs.blobEndpoint()
                        + ", not for the location's " + location.endpoint());
            }
            endpoint = location.endpoint();
        } else {
            endpoint = props.endpoint();
            if (cs != null) {
                if (endpoint != null && !sameUrl(endpoint, cs.blobEndpoint())) {
                    throw new ConfigurationException("Cannot open " + context + ": settings " + AzureSettings.ENDPOINT
                            + " (" + endpoint + ") and " + AzureSettings.CONNECTION_STRING + " (endpoint "
                            + cs.blobEndpoint() + ") disagree; give one of them");
                }
                endpoint = cs.blobEndpoint();
            }
            if (endpoint == null && props.accountName() != null) {
                endpoint = "https://" + props.accountName().toLowerCase(Locale.ROOT) + ".blob.core.windows.net";
            }
            if (endpoint == null) {
                throw new ConfigurationException("Cannot open " + context + ": no storage account given; set "
                        + AzureSettings.ACCOUNT_NAME + " (AZURE_STORAGE_ACCOUNT), " + AzureSettings.CONNECTION_STRING
                        + " (AZURE_STORAGE_CONNECTION_STRING) or " + AzureSettings.ENDPOINT
                        + ", or use a location https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX");
            }
        }
        String account = resolveAccount(location, props, endpoint, context);

        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .httpClient(httpClient())
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Integer) null, null, null, null))
                .clientOptions(new ClientOptions().setApplicationId("walkeeper"));
        String kind;
        if (cs != null && cs.hasCredentials()) {
            try {
                builder.connectionString(cs.text());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("Cannot open " + context + ": the Azure SDK refuses setting "
                        + AzureSettings.CONNECTION_STRING + " (copy it from the storage account's 'Access keys' page)",
                        e);
            }
            builder.endpoint(endpoint);
            kind = cs.hasSas() ? "the connection string's SAS" : "the connection string's account key";
        } else if (props.accountKey() != null) {
            if (account == null) {
                throw new ConfigurationException("Cannot open " + context + ": " + AzureSettings.ACCOUNT_KEY
                        + " needs the account name; set " + AzureSettings.ACCOUNT_NAME);
            }
            builder.endpoint(endpoint).credential(new StorageSharedKeyCredential(account, props.accountKey()));
            kind = "the account key";
        } else if (props.sasToken() != null) {
            builder.endpoint(endpoint).sasToken(props.sasToken());
            kind = "the SAS token";
        } else {
            if (!endpoint.toLowerCase(Locale.ROOT).startsWith("https:")) {
                throw noCredentials(context, "token credentials need an https endpoint, and " + endpoint + " is not");
            }
            builder.endpoint(endpoint).credential(defaultCredential(context));
            kind = "DefaultAzureCredential";
        }
        return new Resolved(builder, endpoint, account, kind);
    }

    private static String resolveAccount(AzureLocation location, AzureProperties props, String endpoint,
            String context) {
        String setting = props.accountName();
        ConnectionString cs = props.connectionString();
        String implied = location.account() != null ? location.account() : cs != null ? cs.accountName() : null;
        if (setting != null && implied != null && !setting.equalsIgnoreCase(implied)) {
            throw new ConfigurationException("Cannot open " + context + ": setting " + AzureSettings.ACCOUNT_NAME
                    + " is '" + setting + "', but the " + (location.account() != null ? "location" : "connection string")
                    + " names account '" + implied + "'");
        }
        if (setting != null) {
            return setting;
        }
        if (implied != null) {
            return implied;
        }
        try {
            return BlobUrlParts.parse(endpoint).getAccountName();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static HttpClient httpClient() {
        return new JdkHttpClientBuilder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .writeTimeout(IO_TIMEOUT)
                .responseTimeout(IO_TIMEOUT)
                .readTimeout(IO_TIMEOUT)
                .build();
    }

    /**
     * Builds {@code DefaultAzureCredential} if {@code com.azure:azure-identity} is on the class path;
     * it is not a dependency of this module, so it is looked up by name.
     */
    private static TokenCredential defaultCredential(String context) {
        Class<?> type = null;
        for (ClassLoader loader : new ClassLoader[] {AzureClientFactory.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                type = Class.forName(IDENTITY_BUILDER, true, loader);
                break;
            } catch (ClassNotFoundException e) {
                // try the next loader
            }
        }
        if (type == null) {
            throw noCredentials(context, "com.azure:azure-identity, which would provide DefaultAzureCredential, is "
                    + "not on the class path");
        }
        try {
            Object builder = type.getConstructor().newInstance();
            return (TokenCredential) type.getMethod("build").invoke(builder);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            throw new ConfigurationException("Cannot open " + context + ": no credentials given, and "
                    + "DefaultAzureCredential of com.azure:azure-identity cannot be built (" + e
                    + "); use a version of azure-identity matching azure-core, or give credentials as settings", e);
        }
    }

    private static ConfigurationException noCredentials(String context, String why) {
        return new ConfigurationException("Cannot open " + context + ": no credentials given (" + why + "); set "
                + AzureSettings.ACCOUNT_KEY + " (AZURE_STORAGE_ACCESS_KEY), " + AzureSettings.SAS_TOKEN
                + " (AZURE_STORAGE_SAS_TOKEN) or " + AzureSettings.CONNECTION_STRING
                + " (AZURE_STORAGE_CONNECTION_STRING), or add com.azure:azure-identity to the class path to "
                + "sign in with a managed identity, workload identity or Azure CLI login");
    }

    private static boolean sameUrl(String a, String b) {
        return ConnectionString.stripTrailingSlash(a).equalsIgnoreCase(ConnectionString.stripTrailingSlash(b));
    }
}
