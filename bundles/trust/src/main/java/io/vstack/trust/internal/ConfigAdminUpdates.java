package io.vstack.trust.internal;

import java.util.Dictionary;
import org.osgi.service.cm.ManagedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the configurations Config Admin delivers for {@code io.vstack.trust} ({@code config:edit},
 * an edit of {@code etc/io.vstack.trust.cfg} while running), but only once Config Admin has caught
 * up with the configuration in force. The bundle starts with what {@code etc/io.vstack.trust.cfg}
 * says ({@link TrustConfigFile}); until fileinstall has copied that file into Config Admin, Config
 * Admin delivers nothing ({@code null}) or the copy it kept from before a restart, and applying
 * that would switch the mode back and forth while bundles resolve. So deliveries are ignored until
 * one has the same effect as the configuration in force; from then on each one applies.
 * <p>Called on Config Admin's update thread.
 */
final class ConfigAdminUpdates implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminUpdates.class);

    private final TrustService trust;
    private volatile boolean caughtUp;

    /**
     * @param caughtUp false if the configuration in force was read from the file, true if it came
     *                 from Config Admin (or is the default for want of both)
     */
    ConfigAdminUpdates(TrustService trust, boolean caughtUp) {
        this.trust = trust;
        this.caughtUp = caughtUp;
    }

    @Override
    public void updated(Dictionary<String, ?> properties) {
        if (!caughtUp) {
            if (properties == null || !sameEffect(properties)) {
                LOG.debug("Config Admin does not hold {} as in {} yet; keeping the configuration read from the file",
                        TrustConfig.PID, TrustConfigFile.NAME);
                return;
            }
            caughtUp = true;
            LOG.debug("Config Admin holds {} as in force", TrustConfig.PID);
            return;
        }
        try {
            trust.configure(TrustConfig.parse(properties), "config");
        } catch (IllegalArgumentException e) {
            // One line; a ConfigurationException would add Config Admin's stack trace after it.
            LOG.error("Configuration {} refused, the previous one stays: {}", TrustConfig.PID, e.getMessage());
        }
    }

    private boolean sameEffect(Dictionary<String, ?> properties) {
        try {
            return TrustConfig.parse(properties).sameEffect(trust.config());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
