package io.vstack.storage.shared.internal.command;

import io.vstack.api.UserText;
import io.vstack.storage.shared.internal.SharedLuns;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code disk:pr}: a PERSISTENT RESERVE OUT command on a shared LUN, sent from a host's initiator. */
@Service
@Command(scope = "disk", name = "pr",
        description = "Sends a SCSI PERSISTENT RESERVE OUT (register, reserve, release, clear, preempt, "
                + "preempt-abort, register-ignore) to a shared LUN as the initiator of a host; fails on "
                + "RESERVATION CONFLICT")
public class PrCommand implements Action {

    @Reference
    SharedLuns luns;

    @Argument(index = 0, name = "lun", description = "The shared LUN", required = true)
    @Completion(LunCompleter.class)
    String lun;

    @Argument(index = 1, name = "host", description = "The host whose initiator sends the command", required = true)
    String host;

    @Argument(index = 2, name = "action", required = true,
            description = "register, register-ignore, reserve, release, clear, preempt or preempt-abort")
    @Completion(value = StringsCompleter.class,
            values = {"register", "register-ignore", "reserve", "release", "clear", "preempt", "preempt-abort"})
    String action;

    @Option(name = "--key", description = "The initiator's reservation key (hex with 0x, or decimal); 0 if unregistered")
    String key = "0";

    @Option(name = "--sa-key", description = "The service action key: the new key for register, the victim's key "
            + "for preempt (hex with 0x, or decimal)")
    String serviceActionKey = "0";

    @Option(name = "--type", description = "The reservation type for reserve, release and preempt")
    @Completion(value = StringsCompleter.class, values = {"WE", "EA", "WERO", "EARO", "WEAR", "EAAR"})
    String type;

    @Override
    public Object execute() throws Exception {
        String outcome = luns.reserveOut(lun, host, action, type, parseKey("--key", key),
                parseKey("--sa-key", serviceActionKey));
        if (!"GOOD".equals(outcome)) {
            throw new IllegalStateException(action + " on " + lun + " from " + host + ": " + outcome);
        }
        System.out.println(action + " on " + lun + " from " + host + ": GOOD");
        return null;
    }

    static long parseKey(String option, String text) {
        try {
            String t = text.trim();
            return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16)
                    : Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + UserText.quote(text)
                    + " is not a 64-bit key (hex with 0x, or decimal)");
        }
    }
}
