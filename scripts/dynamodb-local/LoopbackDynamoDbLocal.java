import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Starts AWS's DynamoDB Local in memory, listening on 127.0.0.1 only (its own command line binds every interface),
 * on the port given (0 = a free one), and prints the port it got as one line: {"port": N}.
 * Usage: java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/* LoopbackDynamoDbLocal.java PORT
 */
public final class LoopbackDynamoDbLocal {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        // -disableTelemetry: DynamoDB Local would otherwise try to report usage over the network. Its parser refuses
        // port 0, so the real port is set on the connector below.
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(
            new String[] {"-inMemory", "-disableTelemetry", "-port", "8000"});
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server jetty = (Server) field.get(proxy);
        ServerConnector connector = (ServerConnector) jetty.getConnectors()[0];
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        proxy.start();
        System.out.println("{\"port\": " + connector.getLocalPort() + "}");
        System.out.flush();
        proxy.join();
    }
}
