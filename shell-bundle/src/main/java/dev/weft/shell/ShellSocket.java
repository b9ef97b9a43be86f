package dev.weft.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Gogo command per connection on the UNIX socket named by the framework property
 * {@value #SOCKET}. The socket is 0600 from the moment it has its name, so only the server's
 * owner can reach the shell; nothing listens on TCP.
 *
 * <p>Protocol ({@code weft shell} is the client): the client sends the command and a newline; the
 * server answers {@code 0} or {@code 1} (failed) on the first line, then the command's output.
 */
@Component(immediate = true, service = {})
public final class ShellSocket {
    public static final String SOCKET = "weft.shell.socket";
    private static final Logger LOG = LoggerFactory.getLogger(ShellSocket.class);
    private static final int MAX_COMMAND = 64 * 1024;

    @Reference
    private CommandProcessor processor;

    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private ServerSocketChannel server;
    private Path path;

    @Activate
    void activate(BundleContext context) throws IOException {
        String where = context.getProperty(SOCKET);
        if (where == null || where.isBlank()) {
            LOG.info("no {} set: the socket shell is off", SOCKET);
            return;
        }
        path = Path.of(where);
        server = bindPrivately(path);
        Thread acceptor = new Thread(this::accept, "weft-shell");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("shell on unix:{}", path);
    }

    @Deactivate
    void deactivate() throws IOException, InterruptedException {
        if (server == null) return;
        server.close();
        Files.deleteIfExists(path);
        // A command such as 'stop 0' stops us while it runs: let it answer, briefly.
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!open.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        for (SocketChannel c : open) c.close();
    }

    /** Binds under a temporary name, restricts it to the owner, then gives it its real name. */
    static ServerSocketChannel bindPrivately(Path path) throws IOException {
        if (Files.exists(path)) {
            if (answers(path)) throw new IOException("another server is already using " + path);
            Files.delete(path); // left over from a server that died
        }
        Path temporary = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(temporary);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(temporary));
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
        return channel;
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "weft-shell-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isOpen()) LOG.warn("shell socket: {}", e.toString());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; InputStream in = Channels.newInputStream(client); var out = Channels.newOutputStream(client)) {
            String command = readLine(in);
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            boolean ok = run(command, output);
            out.write((ok ? "0\n" : "1\n").getBytes(StandardCharsets.UTF_8));
            output.writeTo(out);
        } catch (IOException e) {
            LOG.debug("shell client went away: {}", e.toString());
        } finally {
            open.remove(client);
        }
    }

    private boolean run(String command, ByteArrayOutputStream output) {
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), print, print)) {
            Object result = session.execute(command);
            if (result != null) {
                String text = session.format(result, Converter.INSPECT).toString();
                print.print(text.endsWith("\n") ? text : text + "\n");
            }
            return true;
        } catch (Exception e) {
            print.println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            LOG.info("shell command '{}' failed: {}", command, e.toString());
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1 && b != '\n'; ) {
            if (line.size() >= MAX_COMMAND) throw new IOException("command longer than " + MAX_COMMAND + " bytes");
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8).strip();
    }
}
