import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The floor of our stack's cost: Jetty 12 alone, same version as Weft, writing an access log as
 * Weft does. {@code static PORT DIR}
 * serves DIR with a ResourceHandler; {@code hello PORT} answers every request from a plain
 * Handler (which, like Weft's site and like a servlet, may block, so Jetty runs it on a pool
 * thread); {@code hello-nb PORT} from a Handler that promises never to block, which Jetty may run
 * on the thread that read the request.
 */
public final class RawJetty {
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[1]));
        server.addConnector(connector);
        if (args[0].equals("static")) {
            ResourceHandler files = new ResourceHandler();
            files.setBaseResource(ResourceFactory.of(server).newResource(Path.of(args[2])));
            files.setDirAllowed(true);
            server.setHandler(files);
        } else {
            byte[] hello = "Hello, world!\n".getBytes(StandardCharsets.UTF_8);
            Handler.Abstract handler = args[0].equals("hello-nb") ? new Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    return hello(response, callback, hello);
                }
            } : new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    return hello(response, callback, hello);
                }
            };
            server.setHandler(handler);
        }
        // Like every server in the run, one combined-format access-log line per request.
        server.setRequestLog(new CustomRequestLog(new RequestLogWriter("/dev/null"), CustomRequestLog.EXTENDED_NCSA_FORMAT));
        server.start();
        server.join();
    }

    static boolean hello(Response response, Callback callback, byte[] hello) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, hello.length);
        response.write(true, ByteBuffer.wrap(hello), callback);
        return true;
    }
}
