package io.vstack.api.trust;

import java.util.Objects;

/** Whether a binary may run. */
public sealed interface Verdict permits Verdict.Trusted, Verdict.Tainted {

    /** Whether this verdict lets the binary run. */
    boolean trusted();

    /**
     * The binary matches an approval that stands.
     *
     * @param record the approval
     */
    record Trusted(TrustRecord record) implements Verdict {
        /**
         * @throws NullPointerException if record is null
         */
        public Trusted {
            Objects.requireNonNull(record, "record");
        }

        @Override
        public boolean trusted() {
            return true;
        }
    }

    /**
     * The binary may not run.
     *
     * @param reason why
     * @param detail a one-line explanation (which digest differed, which signer...)
     */
    record Tainted(TaintReason reason, String detail) implements Verdict {
        /**
         * @throws NullPointerException if a field is null
         */
        public Tainted {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public boolean trusted() {
            return false;
        }
    }
}
