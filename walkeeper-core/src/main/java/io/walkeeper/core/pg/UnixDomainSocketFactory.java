package io.walkeeper.core.pg;

import javax.net.SocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Lets pgjdbc talk to PostgreSQL over its Unix-domain socket ({@code <dir>/.s.PGSQL.<port>}),
 * as libpq does by default, with the JDK's own Unix-domain channels. pgjdbc instantiates it by
 * name through its {@code socketFactory} property and passes the socket file path as
 * {@code socketFactoryArg}.
 */
public final class UnixDomainSocketFactory extends SocketFactory {
    private final Path socketFile;

    /**
     * Creates the factory.
     *
     * @param socketFile the server's socket file, e.g. {@code /var/run/postgresql/.s.PGSQL.5432}
     */
    public UnixDomainSocketFactory(String socketFile) {
        this.socketFile = Path.of(socketFile);
    }

    /**
     * Returns the socket file of a server.
     *
     * @param directory the socket directory (libpq's {@code PGHOST} when it starts with {@code /})
     * @param port the server port
     * @return {@code <directory>/.s.PGSQL.<port>}
     */
    public static Path socketFile(String directory, int port) {
        return Path.of(directory, ".s.PGSQL." + port);
    }

    @Override
    public Socket createSocket() {
        return new UnixSocket(socketFile);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(null);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket((String) null, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket((String) null, port);
    }

    /** A {@link Socket} face over a Unix-domain {@link SocketChannel}; TCP options are ignored. */
    private static final class UnixSocket extends Socket {
        private final Path file;
        private SocketChannel channel;
        private InputStream in;
        private OutputStream out;
        private int soTimeout;

        UnixSocket(Path file) {
            this.file = file;
        }

        @Override
        public void connect(SocketAddress ignored) throws IOException {
            connect(ignored, 0);
        }

        @Override
        public void connect(SocketAddress ignored, int timeout) throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(file));
            } catch (IOException e) {
                ch.close();
                throw new IOException("Cannot connect to the PostgreSQL socket " + file + ": " + e.getMessage(), e);
            }
            channel = ch;
            in = Channels.newInputStream(ch);
            out = Channels.newOutputStream(ch);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            if (in == null) {
                throw new IOException("socket " + file + " is not connected");
            }
            return in;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            if (out == null) {
                throw new IOException("socket " + file + " is not connected");
            }
            return out;
        }

        @Override
        public boolean isConnected() {
            return channel != null && channel.isConnected();
        }

        @Override
        public boolean isClosed() {
            return channel != null && !channel.isOpen();
        }

        @Override
        public synchronized void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }

        @Override
        public void setTcpNoDelay(boolean on) {
            // not a TCP socket
        }

        @Override
        public void setKeepAlive(boolean on) {
            // not a TCP socket
        }

        @Override
        public void setReceiveBufferSize(int size) {
            // the kernel's default is fine
        }

        @Override
        public void setSendBufferSize(int size) {
            // the kernel's default is fine
        }

        @Override
        public synchronized void setSoTimeout(int timeout) {
            soTimeout = timeout;
        }

        @Override
        public synchronized int getSoTimeout() {
            return soTimeout;
        }

        @Override
        public String toString() {
            return "UnixSocket[" + file + "]";
        }
    }
}
