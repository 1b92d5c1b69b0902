package io.vstack.network.internal.command;

import io.vstack.network.internal.NetworkAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code net:send}: sends one frame through a host's virtual switch and says whether it arrived. */
@Service
@Command(scope = "net", name = "send", description = "Sends one frame from an address on a host's virtual switch to another address")
public class SendCommand implements Action {

    @Reference
    NetworkAdmin network;

    @Argument(index = 0, name = "host", required = true, description = "The host whose virtual switch the frame enters")

    @Completion(SwitchHostCompleter.class)
    String host;

    @Argument(index = 1, name = "src-ip", required = true, description = "The sender's address")

    @Completion(AddressCompleter.class)
    String src;

    @Argument(index = 2, name = "dst-ip", required = true, description = "The receiver's address")

    @Completion(AddressCompleter.class)
    String dst;

    @Override
    public Object execute() {
        boolean delivered = network.send(host, src, dst);
        System.out.println(delivered ? "delivered" : "dropped");
        return null;
    }
}
