package io.vstack.api.trust;

/** Why a binary may not run. */
public enum TaintReason {
    /** It was never installed through the approved mechanism. */
    NOT_APPROVED,
    /** Its bytes differ from the approved ones. */
    CONTENT_CHANGED,
    /** Its manifest, name, version or signer differ from the approved ones. */
    METADATA_CHANGED,
    /** It is not signed, and unsigned third-party binaries are refused. */
    UNSIGNED,
    /** It is signed by a key the trust store does not trust. */
    UNTRUSTED_SIGNER,
    /** Its approval was revoked. */
    REVOKED,
    /** The trust store itself failed its integrity check: nothing is trusted until it is repaired. */
    STORE_TAMPERED
}
