package io.walkeeper.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The one rule for showing a location or setting that may carry a secret, in messages, logs and
 * {@code toString()}: the user information of a URI ({@code user:password@}) becomes
 * {@code ***@}, every query parameter's value (an Azure SAS token's {@code sig=}, a signed URL)
 * becomes {@code ***}, and the fragment is dropped. Everything else stays, so the message still
 * names the bucket, container or directory. Text that is not a URI gets the same treatment by
 * pattern.
 */
public final class Redaction {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#@\\s]*@");
    private static final Pattern QUERY_VALUE = Pattern.compile("([?&][^=&#\\s]*)=[^&#\\s]*");
    private static final Pattern FRAGMENT = Pattern.compile("#.*$");

    private Redaction() {
    }

    /**
     * Shows a URI without its secrets.
     *
     * @param uri the URI, may be {@code null}
     * @return the text to show
     */
    public static String uri(URI uri) {
        return uri == null ? "null" : text(uri.toString());
    }

    /**
     * Shows text that may be a URI without its secrets.
     *
     * @param text the text, may be {@code null}
     * @return the text to show
     */
    public static String text(String text) {
        if (text == null) {
            return "null";
        }
        String s = USER_INFO.matcher(text).replaceAll("***@");
        int q = s.indexOf('?');
        if (q >= 0) {
            String query = s.substring(q);
            query = FRAGMENT.matcher(query).replaceAll("");
            query = QUERY_VALUE.matcher(query).replaceAll("$1=***");
            query = query.replaceAll("\\?[^=&#\\s]+$", "?***");
            s = s.substring(0, q) + query;
        } else {
            s = FRAGMENT.matcher(s).replaceAll("");
        }
        return s;
    }

    /**
     * Tells whether a URI carries something {@link #uri} would hide.
     *
     * @param uri the URI
     * @return {@code true} with user information, a query or a fragment
     */
    public static boolean hasSecrets(URI uri) {
        try {
            URI u = new URI(uri.toString());
            return u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null;
        } catch (URISyntaxException e) {
            return true;
        }
    }
}
