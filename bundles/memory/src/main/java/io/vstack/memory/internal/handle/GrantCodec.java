package io.vstack.memory.internal.handle;

import io.vstack.api.memory.Grant;
import io.vstack.api.memory.GrantRefusedException;
import io.vstack.api.memory.Restrictions;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Grant tokens: {@code vmg1.<payload>.<mac>}, both base64url, the MAC an HMAC-SHA256 over the
 * payload with the broker's key. The payload holds every field of the grant and the broker's
 * bookkeeping for it (revocation slot, its stamp, the region generation), so nothing of it can
 * be changed without the key. Decoding checks the MAC (in constant time) before it reads a field.
 * <p>Thread-safe (a {@link Mac} per thread).
 */
final class GrantCodec {

    static final String PREFIX = "vmg1.";
    private static final int MAX_TOKEN = 4096;

    /** A grant with what the broker needs to check it. */
    record Signed(Grant grant, int slot, long stamp, long generation) {
    }

    private final ThreadLocal<Mac> macs;

    GrantCodec(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    /** Signs the fields of {@code unsigned} (its token is ignored) and returns the grant with its token. */
    Signed sign(Grant unsigned, int slot, long stamp, long generation) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(unsigned.id());
            out.writeUTF(unsigned.regionId());
            out.writeUTF(unsigned.grantee());
            out.writeUTF(unsigned.parentId());
            out.writeLong(unsigned.offset());
            out.writeLong(unsigned.length());
            Restrictions r = unsigned.restrictions();
            out.writeBoolean(r.readOnly());
            out.writeLong(r.expiresAt().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
            out.writeInt(r.maxMaps());
            out.writeBoolean(r.noRegrant());
            out.writeLong(unsigned.issuedAt().toEpochMilli());
            out.writeInt(slot);
            out.writeLong(stamp);
            out.writeLong(generation);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] payload = bytes.toByteArray();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = PREFIX + b64.encodeToString(payload) + "." + b64.encodeToString(macs.get().doFinal(payload));
        Grant grant = new Grant(unsigned.id(), unsigned.regionId(), unsigned.grantee(), unsigned.parentId(),
                unsigned.offset(), unsigned.length(), r(unsigned), Instant.ofEpochMilli(unsigned.issuedAt().toEpochMilli()),
                token);
        return new Signed(grant, slot, stamp, generation);
    }

    private static Restrictions r(Grant g) {
        Restrictions r = g.restrictions();
        return new Restrictions(r.readOnly(), r.expiresAt().map(t -> Instant.ofEpochMilli(t.toEpochMilli())),
                r.maxMaps(), r.noRegrant());
    }

    /**
     * Verifies and decodes a token.
     *
     * @throws GrantRefusedException with {@code FORGED} if it is malformed or its MAC does not verify
     */
    Signed verify(String token) throws GrantRefusedException {
        if (token == null || token.length() > MAX_TOKEN || !token.startsWith(PREFIX)) {
            throw forged("not a grant token");
        }
        int dot = token.indexOf('.', PREFIX.length());
        if (dot < 0 || token.indexOf('.', dot + 1) >= 0) {
            throw forged("malformed grant token");
        }
        byte[] payload;
        byte[] mac;
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            payload = b64.decode(token.substring(PREFIX.length(), dot));
            mac = b64.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw forged("malformed grant token");
        }
        Base64.Encoder canonical = Base64.getUrlEncoder().withoutPadding();
        if (!token.equals(PREFIX + canonical.encodeToString(payload) + "." + canonical.encodeToString(mac))) {
            // Another spelling of the same bytes (base64's unused low bits): not a token this broker wrote.
            throw forged("malformed grant token");
        }
        if (!MessageDigest.isEqual(macs.get().doFinal(payload), mac)) {
            throw forged("grant token signature does not verify");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
            String id = in.readUTF();
            String regionId = in.readUTF();
            String grantee = in.readUTF();
            String parentId = in.readUTF();
            long offset = in.readLong();
            long length = in.readLong();
            boolean readOnly = in.readBoolean();
            long expires = in.readLong();
            int maxMaps = in.readInt();
            boolean noRegrant = in.readBoolean();
            long issued = in.readLong();
            int slot = in.readInt();
            long stamp = in.readLong();
            long generation = in.readLong();
            Restrictions r = new Restrictions(readOnly,
                    expires == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires)), maxMaps, noRegrant);
            Grant grant = new Grant(id, regionId, grantee, parentId, offset, length, r, Instant.ofEpochMilli(issued), token);
            return new Signed(grant, slot, stamp, generation);
        } catch (IOException | RuntimeException e) {
            // Signed by this broker but unreadable: only a broker of another version writes that.
            throw forged("unreadable grant token");
        }
    }

    private static GrantRefusedException forged(String why) {
        return new GrantRefusedException(GrantRefusedException.Reason.FORGED, why);
    }
}
