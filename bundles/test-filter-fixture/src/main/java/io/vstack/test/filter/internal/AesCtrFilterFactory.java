package io.vstack.test.filter.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.service.component.annotations.Component;

/**
 * The test fixture filter {@code aes}: encrypts every block with AES-CTR on the way down and
 * decrypts it on the way up, the counter being the byte offset / 16 (so any block-aligned range
 * encrypts the same whichever request carries it). Configuration: {@code key} (secret), 32 or 64
 * hex digits. A block stored as all zeros was never written (below every filter such a block reads
 * as zeros) and reads back as zeros. As a third-party encrypting filter would be; not for real use
 * (one key, no integrity).
 */
@Component(service = IoFilterFactory.class)
public final class AesCtrFilterFactory implements IoFilterFactory {

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor("aes", FilterClass.ENCRYPTION, 0,
            "test fixture: AES-CTR encryption of every block (key=<hex>)");

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("key");
    }

    @Override
    public IoFilter create(FilterContext context) {
        String hex = context.config().get("key");
        if (hex == null || !(hex.length() == 32 || hex.length() == 64) || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("key must be 32 or 64 hex digits");
        }
        for (String key : context.config().keySet()) {
            if (!key.equals("key")) {
                throw new IllegalArgumentException("unknown key '" + key + "' (the aes filter takes key=<hex>)");
            }
        }
        return new AesCtrFilter(new SecretKeySpec(HexFormat.of().parseHex(hex), "AES"), context.blockSize());
    }

    /** One disk's AES-CTR filter. */
    private static final class AesCtrFilter implements IoFilter {
        private final SecretKeySpec key;
        private final int blockSize;
        private final ThreadLocal<Cipher> ciphers;

        AesCtrFilter(SecretKeySpec key, int blockSize) {
            this.key = key;
            this.blockSize = blockSize;
            this.ciphers = ThreadLocal.withInitial(() -> {
                try {
                    return Cipher.getInstance("AES/CTR/NoPadding");
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("AES/CTR is not available: " + e.getMessage(), e);
                }
            });
        }

        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            if (request.op() == IoOp.WRITE) {
                ByteBuffer plain = request.buffer().duplicate();
                ByteBuffer cipherText = ByteBuffer.allocate(plain.remaining());
                crypt(request.offset(), plain, cipherText);
                next.proceed(IoRequest.of(IoOp.WRITE, request.diskId(), request.offset(), request.length(), cipherText.flip(),
                        request.origin()));
            } else if (request.op() == IoOp.READ) {
                ByteBuffer dst = request.buffer();
                int start = dst.position();
                int end = dst.limit();
                next.proceed(request);
                for (int at = start; at < end; at += blockSize) {
                    ByteBuffer block = dst.duplicate().limit(at + blockSize).position(at);
                    if (!allZero(block)) {
                        ByteBuffer out = ByteBuffer.allocate(blockSize);
                        crypt(request.offset() + at - start, block.duplicate(), out);
                        dst.put(at, out.flip(), 0, blockSize);
                    }
                }
            } else {
                next.proceed(request);
            }
        }

        private void crypt(long offset, ByteBuffer in, ByteBuffer out) {
            byte[] counter = new byte[16];
            ByteBuffer.wrap(counter, 8, 8).putLong(offset / 16);
            try {
                Cipher cipher = ciphers.get();
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(counter));
                cipher.doFinal(in, out);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CTR failed at offset " + offset + ": " + e.getMessage(), e);
            }
        }

        private static boolean allZero(ByteBuffer block) {
            for (int i = block.position(); i < block.limit(); i++) {
                if (block.get(i) != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
