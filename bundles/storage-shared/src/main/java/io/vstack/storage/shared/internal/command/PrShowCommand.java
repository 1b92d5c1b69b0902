package io.vstack.storage.shared.internal.command;

import io.vstack.storage.shared.internal.SharedLuns;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:pr-show}: a shared LUN's persistent reservation and PR generation. */
@Service
@Command(scope = "disk", name = "pr-show",
        description = "Shows a shared LUN's SCSI persistent reservation (type, holder, key) and PR generation")
public class PrShowCommand implements Action {

    @Reference
    SharedLuns luns;

    @Argument(index = 0, name = "lun", description = "The shared LUN (the disk's name on the shared backend)",
            required = true)
    @Completion(LunCompleter.class)
    String lun;

    @Override
    public Object execute() throws Exception {
        SharedLuns.Reservation reservation = luns.reservation(lun);
        if (reservation.type() == null) {
            System.out.println(lun + ": no reservation, PR generation " + Integer.toUnsignedString(reservation.generation()));
        } else {
            System.out.printf("%s: %s reservation held by %s with key 0x%x, PR generation %s%n", lun,
                    reservation.type(), reservation.holderHost(), reservation.key(),
                    Integer.toUnsignedString(reservation.generation()));
        }
        return null;
    }
}
