package io.vstack.storage.shared.internal;

import io.vstack.api.UserText;
import io.vstack.api.storage.StorageException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What the shell shows and does with shared LUNs' persistent reservations, in terms of hosts:
 * the registered keys with the host of each initiator, the reservation, and PERSISTENT RESERVE
 * OUT on behalf of a host.
 */
@Component(service = SharedLuns.class)
public final class SharedLuns {

    /** One registration: the host whose initiator holds the key. */
    public record Registration(String host, UUID initiator, long key, boolean holder) {
    }

    /** A LUN's reservation: its PR generation, its type (null if none) and its holder's host. */
    public record Reservation(int generation, String type, String holderHost, long key) {
    }

    private final SharedDiskBackend backend;

    /** Works through the shared backend of this process. */
    @Activate
    public SharedLuns(@Reference SharedDiskBackend backend) {
        this.backend = backend;
    }

    /** The names of the server's LUNs. */
    public List<String> names() throws StorageException {
        return new ArrayList<>(backend.luns().keySet());
    }

    /** The registrations of the LUN, in registration order. */
    public List<Registration> registrations(String lun) throws StorageException {
        Properties properties = backend.reservationState(lun);
        PersistentReservations state = PersistentReservations.fromProperties(properties);
        List<Registration> registrations = new ArrayList<>();
        boolean allHold = state.reservationType() != null && state.reservationType().allRegistrants();
        for (Map.Entry<UUID, Long> registration : state.registrations().entrySet()) {
            UUID initiator = registration.getKey();
            registrations.add(new Registration(properties.getProperty("initiator." + initiator, "?"), initiator,
                    registration.getValue(), allHold || initiator.equals(state.holder())));
        }
        return registrations;
    }

    /** The LUN's reservation. */
    public Reservation reservation(String lun) throws StorageException {
        Properties properties = backend.reservationState(lun);
        PersistentReservations state = PersistentReservations.fromProperties(properties);
        ReservationType type = state.reservationType();
        String holder = type == null ? null
                : type.allRegistrants() ? "all registrants"
                : properties.getProperty("initiator." + state.holder(), state.holder().toString());
        return new Reservation(state.generation(), type == null ? null : type.shortName, holder,
                state.reservationKey());
    }

    /** The service actions {@link #reserveOut} takes, by their shell names. */
    public static final List<String> ACTIONS = List.of("register", "register-ignore", "reserve", "release", "clear",
            "preempt", "preempt-abort");

    /** The reservation types, by their short names. */
    public static final List<String> TYPES = List.of("WE", "EA", "WERO", "EARO", "WEAR", "EAAR");

    /**
     * Sends PERSISTENT RESERVE OUT from {@code host}'s initiator.
     *
     * @return the SCSI status, described ({@code GOOD}, {@code RESERVATION CONFLICT}, ...)
     * @throws IllegalArgumentException naming an unknown action or type
     */
    public String reserveOut(String lun, String host, String action, String type, long key, long serviceActionKey)
            throws StorageException {
        int serviceAction = switch (action == null ? "" : action.toLowerCase(Locale.ROOT)) {
            case "register" -> PersistentReservations.PrOut.REGISTER;
            case "register-ignore" -> PersistentReservations.PrOut.REGISTER_AND_IGNORE_EXISTING_KEY;
            case "reserve" -> PersistentReservations.PrOut.RESERVE;
            case "release" -> PersistentReservations.PrOut.RELEASE;
            case "clear" -> PersistentReservations.PrOut.CLEAR;
            case "preempt" -> PersistentReservations.PrOut.PREEMPT;
            case "preempt-abort" -> PersistentReservations.PrOut.PREEMPT_AND_ABORT;
            default -> throw new IllegalArgumentException("unknown action " + UserText.quote(action)
                    + ": expected one of " + String.join(", ", ACTIONS));
        };
        ReservationType reservationType = null;
        if (type != null) {
            reservationType = ReservationType.ofName(type);
            if (reservationType == null) {
                throw new IllegalArgumentException("unknown reservation type " + UserText.quote(type)
                        + ": expected one of " + String.join(", ", TYPES));
            }
        }
        return backend.reserveOut(lun, host, serviceAction, reservationType, key, serviceActionKey).describe();
    }
}
