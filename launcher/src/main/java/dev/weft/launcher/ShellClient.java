package dev.weft.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code weft shell 'COMMAND'}: one Gogo command in the running server, over its owner-only socket. */
final class ShellClient {
    private ShellClient() {}

    static int run(Home home, String command) throws BadCommandLine {
        if (command.isBlank()) throw new BadCommandLine("usage: weft shell 'COMMAND', e.g. weft shell 'web:mounts'");
        Path socket = home.shellSocket();
        if (!Files.exists(socket)) throw new BadCommandLine("no server is running from " + home.home() + " (no " + socket + ")");
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            Channels.newOutputStream(channel).write((command.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = Channels.newInputStream(channel);
            int status = in.read();
            if (status != '0' && status != '1' || in.read() != '\n') throw new IOException("the server closed the shell connection");
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            in.transferTo(output);
            (status == '0' ? System.out : System.err).print(output.toString(StandardCharsets.UTF_8));
            return status == '0' ? 0 : 1;
        } catch (IOException e) {
            throw new BadCommandLine("cannot reach the server's shell at " + socket + ": " + e.getMessage());
        }
    }

    /** Whether a server answers on this socket (a leftover file from a crash does not). */
    static boolean answers(Path socket) {
        if (!Files.exists(socket)) return false;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
