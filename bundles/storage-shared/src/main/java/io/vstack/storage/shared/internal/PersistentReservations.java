package io.vstack.storage.shared.internal;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The SPC-3 persistent reservation state of one logical unit: registered keys per initiator,
 * the reservation and the PR generation, with the PERSISTENT RESERVE OUT service actions and
 * the access check of every other command. The rules follow SPC-3 5.6 (and Linux LIO's
 * {@code target_core_pr.c} where SPC-3 leaves a choice: a PREEMPT never removes the
 * preempting initiator's own registration).
 * <p>Not thread-safe: {@link ScsiTarget} guards it. Each initiator is one I_T nexus (the
 * shared-disk protocol has one target port).
 */
final class PersistentReservations {

    static final int FORMAT_VERSION = 1;

    private final Map<UUID, Long> registrations = new LinkedHashMap<>();
    private ReservationType type;
    /** The initiator holding a reservation that is not of an all-registrants type. */
    private UUID holder;
    private int generation;

    int generation() {
        return generation;
    }

    /** The registrations in registration order (the order READ KEYS reports). */
    Map<UUID, Long> registrations() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(registrations));
    }

    ReservationType reservationType() {
        return type;
    }

    /** The holder of a single-holder reservation; null when none or all registrants hold it. */
    UUID holder() {
        return holder;
    }

    boolean isRegistered(UUID initiator) {
        return registrations.containsKey(initiator);
    }

    private boolean holds(UUID initiator) {
        if (type == null) {
            return false;
        }
        return type.allRegistrants() ? registrations.containsKey(initiator) : initiator.equals(holder);
    }

    /** The reservation key that READ RESERVATION reports: the holder's, or 0 for all registrants. */
    long reservationKey() {
        if (type == null || type.allRegistrants()) {
            return 0;
        }
        return registrations.getOrDefault(holder, 0L);
    }

    /** Whether the initiator may read ({@code write=false}) or write the medium. */
    boolean mayAccess(UUID initiator, boolean write) {
        if (type == null || holds(initiator)) {
            return true;
        }
        return type.allows(registrations.containsKey(initiator), write);
    }

    /**
     * Executes a PERSISTENT RESERVE OUT service action. PREEMPT AND ABORT changes the state as
     * PREEMPT does; aborting the preempted initiators' commands is the caller's part.
     */
    ScsiResult out(UUID initiator, int serviceAction, ReservationType requestedType, long key, long serviceActionKey) {
        return switch (serviceAction) {
            case PrOut.REGISTER -> register(initiator, key, serviceActionKey, false);
            case PrOut.REGISTER_AND_IGNORE_EXISTING_KEY -> register(initiator, key, serviceActionKey, true);
            case PrOut.RESERVE -> reserve(initiator, key, requestedType);
            case PrOut.RELEASE -> release(initiator, key, requestedType);
            case PrOut.CLEAR -> clear(initiator, key);
            case PrOut.PREEMPT, PrOut.PREEMPT_AND_ABORT -> preempt(initiator, key, serviceActionKey, requestedType);
            default -> ScsiResult.invalidFieldInCdb();
        };
    }

    private ScsiResult register(UUID initiator, long key, long newKey, boolean ignoreExisting) {
        Long current = registrations.get(initiator);
        if (current == null) {
            if (!ignoreExisting && key != 0) {
                return ScsiResult.CONFLICT;
            }
            if (newKey != 0) {
                registrations.put(initiator, newKey);
            }
        } else {
            if (!ignoreExisting && current != key) {
                return ScsiResult.CONFLICT;
            }
            if (newKey == 0) {
                unregister(initiator);
            } else {
                registrations.put(initiator, newKey);
            }
        }
        generation++;
        return ScsiResult.OK;
    }

    /** Removes a registration; a reservation it held goes with it (SPC-3 5.6.10.3). */
    private void unregister(UUID initiator) {
        registrations.remove(initiator);
        if (type == null) {
            return;
        }
        if (type.allRegistrants() ? registrations.isEmpty() : initiator.equals(holder)) {
            type = null;
            holder = null;
        }
    }

    private ScsiResult reserve(UUID initiator, long key, ReservationType requested) {
        if (!keyMatches(initiator, key)) {
            return ScsiResult.CONFLICT;
        }
        if (requested == null) {
            return ScsiResult.invalidFieldInCdb();
        }
        if (type == null) {
            type = requested;
            holder = requested.allRegistrants() ? null : initiator;
            return ScsiResult.OK;
        }
        return holds(initiator) && type == requested ? ScsiResult.OK : ScsiResult.CONFLICT;
    }

    private ScsiResult release(UUID initiator, long key, ReservationType requested) {
        if (!keyMatches(initiator, key)) {
            return ScsiResult.CONFLICT;
        }
        if (type == null || !holds(initiator)) {
            return ScsiResult.OK;
        }
        if (requested != type) {
            return ScsiResult.invalidRelease();
        }
        type = null;
        holder = null;
        return ScsiResult.OK;
    }

    private ScsiResult clear(UUID initiator, long key) {
        if (!keyMatches(initiator, key)) {
            return ScsiResult.CONFLICT;
        }
        registrations.clear();
        type = null;
        holder = null;
        generation++;
        return ScsiResult.OK;
    }

    private ScsiResult preempt(UUID initiator, long key, long victimKey, ReservationType requested) {
        if (!keyMatches(initiator, key)) {
            return ScsiResult.CONFLICT;
        }
        if (requested == null) {
            return ScsiResult.invalidFieldInCdb();
        }
        if (type != null && type.allRegistrants() && victimKey == 0) {
            // Preempting an all-registrants reservation with key 0 removes every other registrant.
            removeRegistrationsExcept(initiator, null);
            type = requested;
            holder = requested.allRegistrants() ? null : initiator;
            generation++;
            return ScsiResult.OK;
        }
        if (victimKey == 0) {
            return ScsiResult.invalidFieldInParameterList();
        }
        boolean victimHolds = type != null && !type.allRegistrants() && victimKey == reservationKey();
        if (!removeRegistrationsExcept(initiator, victimKey) && !victimHolds) {
            return ScsiResult.CONFLICT;
        }
        if (victimHolds) {
            type = requested;
            holder = requested.allRegistrants() ? null : initiator;
        }
        generation++;
        return ScsiResult.OK;
    }

    /** Removes the registrations with the key (every one when null) but the initiator's own. */
    private boolean removeRegistrationsExcept(UUID initiator, Long victimKey) {
        boolean any = false;
        for (Iterator<Map.Entry<UUID, Long>> it = registrations.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<UUID, Long> registration = it.next();
            if (registration.getKey().equals(initiator)
                    || (victimKey != null && registration.getValue().longValue() != victimKey)) {
                continue;
            }
            it.remove();
            any = true;
        }
        return any;
    }

    private boolean keyMatches(UUID initiator, long key) {
        Long current = registrations.get(initiator);
        return current != null && current == key;
    }

    /** The state as versioned properties, for the crash-safe state file. */
    Properties toProperties() {
        Properties properties = new Properties();
        properties.setProperty("version", Integer.toString(FORMAT_VERSION));
        properties.setProperty("generation", Integer.toUnsignedString(generation));
        int index = 0;
        for (Map.Entry<UUID, Long> registration : registrations.entrySet()) {
            // In registration order, which READ KEYS reports.
            properties.setProperty("registration." + index++,
                    registration.getKey() + " " + Long.toHexString(registration.getValue()));
        }
        if (type != null) {
            properties.setProperty("reservation.type", type.shortName);
            if (holder != null) {
                properties.setProperty("reservation.holder", holder.toString());
            }
        }
        return properties;
    }

    /** Restores the state written by {@link #toProperties()}. */
    static PersistentReservations fromProperties(Properties properties) {
        String version = properties.getProperty("version");
        if (!Integer.toString(FORMAT_VERSION).equals(version)) {
            throw new IllegalArgumentException("unsupported reservation state version " + version);
        }
        PersistentReservations state = new PersistentReservations();
        state.generation = Integer.parseUnsignedInt(properties.getProperty("generation", "0"));
        for (int index = 0; properties.containsKey("registration." + index); index++) {
            String[] registration = properties.getProperty("registration." + index).split(" ");
            if (registration.length != 2) {
                throw new IllegalArgumentException("malformed registration." + index);
            }
            state.registrations.put(UUID.fromString(registration[0]), Long.parseUnsignedLong(registration[1], 16));
        }
        String typeName = properties.getProperty("reservation.type");
        if (typeName != null) {
            state.type = ReservationType.ofName(typeName);
            if (state.type == null) {
                throw new IllegalArgumentException("unknown reservation type " + typeName);
            }
            String holderName = properties.getProperty("reservation.holder");
            state.holder = holderName == null ? null : UUID.fromString(holderName);
            if (state.type.allRegistrants() != (state.holder == null)) {
                throw new IllegalArgumentException("reservation " + typeName + " with holder " + holderName);
            }
        }
        return state;
    }

    /** PERSISTENT RESERVE OUT service action codes (SPC-3 6.12.2). */
    static final class PrOut {
        static final int REGISTER = 0x00;
        static final int RESERVE = 0x01;
        static final int RELEASE = 0x02;
        static final int CLEAR = 0x03;
        static final int PREEMPT = 0x04;
        static final int PREEMPT_AND_ABORT = 0x05;
        static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;

        private PrOut() {
        }
    }
}
