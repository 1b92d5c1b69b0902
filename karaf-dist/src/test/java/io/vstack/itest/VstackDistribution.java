package io.vstack.itest;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.util.Arrays;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * Boots the distribution this build assembled (by file URL), offline: bundles come from its
 * system/ folder or the build's local repository, never from the network. Opens no fixed port.
 */
final class VstackDistribution {

    private static final String MVN_CFG = "etc/org.ops4j.pax.url.mvn.cfg";

    private VstackDistribution() {
    }

    /** Config file of trusted-binary loading. */
    static final String TRUST_CFG = "etc/io.vstack.trust.cfg";

    /**
     * The options every integration test uses, plus {@code extra}. Trusted-binary loading runs in
     * {@code log-only} mode here: the Pax Exam harness installs its own bundles and probe from the
     * local Maven repository, and feature tests may install test bundles, none of them approved.
     * {@link #enforcing} boots the distribution's production default, {@code enforce}.
     */
    static Option[] options(Option... extra) {
        return withTrust(editConfigurationFilePut(TRUST_CFG, "mode", "log-only"), extra);
    }

    /** The system property naming the test filter fixture's jar. */
    static final String FIXTURE_JAR = "vstack.fixture.jar";

    /**
     * Passes the path of the test filter fixture's jar (built by the reactor) into the container as
     * the system property {@code vstack.fixture.jar}, for the tests that drop it into deploy/.
     */
    static Option fixtureJar() {
        String jar = System.getProperty(FIXTURE_JAR);
        if (jar == null) {
            throw new IllegalStateException("system property " + FIXTURE_JAR + " is not set: run the integration tests through Maven");
        }
        return systemProperty(FIXTURE_JAR).value(jar);
    }

    /**
     * The options of a test that runs trusted-binary loading as the distribution ships it
     * ({@code enforce}), with one test-only addition: the Pax Exam harness's own bundles (its
     * {@code exam} feature, JUnit, Hamcrest) and its probe are trusted by symbolic name.
     */
    static Option[] enforcing(Option... extra) {
        return withTrust(editConfigurationFilePut(TRUST_CFG, "allowSymbolicNames", EXAM_BUNDLES), extra);
    }

    /** Symbolic-name globs of what Pax Exam installs into the container. */
    static final String EXAM_BUNDLES = "PAXEXAM-PROBE-*,org.ops4j.pax.exam*,org.ops4j.pax.swissbox*,org.ops4j.base*,"
            + "jakarta.inject*,org.apache.servicemix.bundles.junit,org.apache.servicemix.bundles.hamcrest";

    private static Option[] withTrust(Option trust, Option... extra) {
        String dist = requiredProperty("vstack.dist");
        String localRepository = requiredProperty("maven.repo.local");
        Option[] base = {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(dist).toURI().toString())
                    .name("vstack")
                    .karafVersion("4.4.10")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.WARN),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.localRepository", localRepository),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.offline", "true"),
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),
            // Boot features install off the start-level thread: when the first boot refreshes the
            // startup bundles (and with them the features service itself) while the features
            // service installs the boot features from its own activator, the container deadlocks
            // (seen under load: "Container never came up", every boot bundle left INSTALLED).
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBootAsynchronous", "true"),
            // The metrics endpoint on an ephemeral port: ITs run beside a distribution on 9464.
            editConfigurationFilePut("etc/io.vstack.metrics.cfg", "port", "0"),
            when(Boolean.getBoolean("vstack.keepRuntime")).useOptions(keepRuntimeFolder()),
            trust,
        };
        return Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(Option[]::new);
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the integration tests through Maven");
        }
        return value;
    }
}
