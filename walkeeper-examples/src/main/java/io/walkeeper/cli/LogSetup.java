package io.walkeeper.cli;

/**
 * Configures slf4j-simple through its system properties. It reads them once, when the first
 * logger is created, so {@link #configure(String)} must run before any class that holds a logger
 * is used. Properties already set (e.g. with {@code -D} in {@code WALKEEPER_JAVA_OPTS}) are kept.
 */
final class LogSetup {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LogSetup() {
    }

    /**
     * Sends log lines to standard error with a timestamp, the level and the short logger name.
     *
     * @param level the default level: trace, debug, info, warn, error or off
     */
    static void configure(String level) {
        setIfAbsent("defaultLogLevel", level);
        setIfAbsent("logFile", "System.err");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("levelInBrackets", "true");
        // the storage SDKs log each failure they hand back (and Azure's sign-in chain each step);
        // walkeeper reports those failures itself, once, so their logs stay out of the way unless
        // debugging was asked for
        boolean debugging = level.equalsIgnoreCase("debug") || level.equalsIgnoreCase("trace");
        for (String sdk : new String[] {"com.azure", "com.microsoft.aad", "software.amazon.awssdk", "com.google"}) {
            setIfAbsent("log." + sdk, debugging ? level : "off");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
