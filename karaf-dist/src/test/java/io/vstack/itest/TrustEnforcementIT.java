package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.vstack.api.trust.TrustStore;
import io.vstack.api.trust.TrustedInstaller;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Trusted-binary loading as the distribution ships it ({@code enforce}), on real jars built in
 * the reactor ({@code bundles/test-trust-fixture}) and real signatures made during the build.
 * Each test works on its own copy of the fixture under its own symbolic name.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustEnforcementIT {

    private static final String FIXTURES = "vstack.trust.fixtures";
    /** The archetype's integration test folder: archetype.properties, goal.txt, project/ (generated and built). */
    private static final String FILTER_IT = "vstack.filter.archetype.it";
    private static final String FILTERS_DOC = "vstack.filters.doc";
    private static final String VERSION = "vstack.version";
    private static final String BSN = "io.vstack.trust.fixture";

    @Inject
    BundleContext context;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    TrustStore store;

    @Inject
    TrustedInstaller installer;

    @Inject
    FeaturesService features;

    @Configuration
    public Option[] config() {
        return VstackDistribution.enforcing(systemProperty(FIXTURES).value(System.getProperty(FIXTURES)),
                systemProperty(FILTER_IT).value(System.getProperty(FILTER_IT)),
                systemProperty(FILTERS_DOC).value(System.getProperty(FILTERS_DOC)),
                systemProperty(VERSION).value(System.getProperty(VERSION)));
    }

    @Test
    public void thePlatformRunsUnderEnforcementAndNothingOfItIsRefused() throws Exception {
        assertEquals("enforce", execute("trust:mode").strip());
        Eventually.await("every platform bundle ACTIVE", () -> Arrays.stream(context.getBundles())
                .allMatch(b -> b.getState() == Bundle.ACTIVE
                        || (b.getHeaders().get(Constants.FRAGMENT_HOST) != null && b.getState() == Bundle.RESOLVED)));
        String all = execute("trust:list --all --no-format");
        assertTrue(all, all.lines().map(l -> l.split("\\s*\t\\s*"))
                .anyMatch(f -> f[1].equals("io.vstack.trust") && f[4].equals("TRUSTED") && f[7].equals("build")));
        assertFalse(all, all.contains("NOT_APPROVED") || all.contains("UNSIGNED") || all.contains("TAMPERED"));
    }

    @Test
    public void anUnsignedJarDroppedIntoDeployNeverBecomesActive() throws Exception {
        String name = BSN + ".dropped";
        Path jar = deploy(variant(name));
        Bundle bundle = awaitBundle(name);
        Eventually.await(name + " refused in the audit log",
                () -> audit().lines().anyMatch(l -> l.contains("REFUSE") && l.contains(name) && l.contains("UNSIGNED")));
        assertNotEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals(Bundle.INSTALLED, bundle.getState());
        assertTrue(list().lines().anyMatch(l -> l.contains(name) && l.contains("UNSIGNED")));
        try {
            bundle.start();
            fail("an unapproved bundle must not start");
        } catch (BundleException expected) {
            assertEquals(Bundle.INSTALLED, bundle.getState());
        }
        undeploy(jar, name);
    }

    @Test
    public void anApprovedJarWithAFlippedByteIsRefusedAtItsNextStart() throws Exception {
        String name = BSN + ".flipped";
        Path jar = variant(name);
        String out = execute("trust:install " + jar.toUri());
        assertTrue(out, out.contains("Approved and started " + name));
        Bundle bundle = bundle(name).orElseThrow();
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertTrue(list().lines().anyMatch(l -> l.contains(name) && l.contains("TRUSTED")));

        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(jar, bytes);
        bundle.stop();
        bundle.start();
        Eventually.await(name + " quarantined", () -> bundle.getState() == Bundle.INSTALLED);
        assertTrue(list(), list().lines().anyMatch(l -> l.contains(name) && l.contains("CONTENT_CHANGED")));
        assertTrue(audit().lines().anyMatch(l -> l.contains("STOP") && l.contains(name)));
        assertStartRefused(bundle);
        bundle.uninstall();
    }

    @Test
    public void anApprovedJarWithAnEditedManifestIsRefusedAfterUpdate() throws Exception {
        String name = BSN + ".edited";
        Path jar = variant(name);
        execute("trust:install " + jar.toUri());
        Bundle bundle = bundle(name).orElseThrow();
        assertEquals(Bundle.ACTIVE, bundle.getState());

        Files.write(jar, rewrite(Files.readAllBytes(jar), name, "X-Tampered", "yes"));
        try {
            bundle.update();
        } catch (BundleException e) {
            // the updated revision cannot resolve: that is the refusal
        }
        Eventually.await(name + " not running after update", () -> bundle.getState() == Bundle.INSTALLED);
        assertTrue(list(), list().lines().anyMatch(l -> l.contains(name) && l.contains("METADATA_CHANGED")));
        assertStartRefused(bundle);

        execute("trust:install " + jar.toUri());
        Bundle approved = bundle(name).orElseThrow();
        assertEquals(name + " re-approved and running", Bundle.ACTIVE, approved.getState());
        assertTrue(list().lines().anyMatch(l -> l.contains(name) && l.contains("TRUSTED")));
        approved.uninstall();
    }

    @Test
    public void aRevokedBundleStopsAndCannotStartAgain() throws Exception {
        String name = BSN + ".revoked";
        Path jar = variant(name);
        installer.install(jar.toUri(), "it");
        Bundle bundle = bundle(name).orElseThrow();
        assertEquals(Bundle.ACTIVE, bundle.getState());
        execute("trust:revoke " + name);
        assertEquals(Bundle.INSTALLED, bundle.getState());
        assertTrue(list().lines().anyMatch(l -> l.contains(name) && l.contains("REVOKED")));
        assertTrue(store.records().stream().anyMatch(r -> r.binary().symbolicName().equals(name) && r.revoked()));
        assertStartRefused(bundle);
        assertTrue(audit().lines().anyMatch(l -> l.contains("REVOKE") && l.contains(name)));
        bundle.uninstall();
    }

    @Test
    public void aJarSignedByATrustedKeyRunsFromDeployAndAnUnknownSignerIsRefused() throws Exception {
        Path fixtures = Path.of(System.getProperty(FIXTURES));
        String keys = execute("trust:keys add " + fixtures.resolve("trusted.pem"));
        assertTrue(keys, keys.contains("CN=vstack test signer"));

        Path signed = deploy(fixtures.resolve("signed.jar"));
        Bundle good = awaitBundle(BSN + ".signed");
        Eventually.await("signed bundle ACTIVE", () -> good.getState() == Bundle.ACTIVE);
        assertTrue(list().lines().anyMatch(l -> l.contains(BSN + ".signed") && l.contains("TRUSTED")
                && l.contains("signer:CN=vstack test signer")));

        Path unknown = deploy(fixtures.resolve("unknown.jar"));
        Bundle bad = awaitBundle(BSN + ".unknown");
        Eventually.await("unknown signer refused", () -> audit().lines()
                .anyMatch(l -> l.contains("REFUSE") && l.contains(BSN + ".unknown") && l.contains("UNTRUSTED_SIGNER")));
        assertEquals(Bundle.INSTALLED, bad.getState());
        assertTrue(list().lines().anyMatch(l -> l.contains(BSN + ".unknown") && l.contains("UNTRUSTED_SIGNER")));
        undeploy(signed, BSN + ".signed");
        undeploy(unknown, BSN + ".unknown");
    }

    @Test
    public void aFeatureApprovedAtOnceInstallsUnderEnforce() throws Exception {
        String base = BSN + ".feature.base";
        String top = BSN + ".feature.top";
        Path baseJar = variant(base);
        Path topJar = variant(top);
        Path repository = baseJar.resolveSibling("trust-it-features.xml");
        Files.writeString(repository, "<features name='trust-it' xmlns='http://karaf.apache.org/xmlns/features/v1.6.0'>\n"
                + "  <feature name='trust-it-base' version='1.0.0'><bundle>" + baseJar.toUri() + "</bundle></feature>\n"
                + "  <feature name='trust-it' version='1.0.0'>\n"
                + "    <feature>trust-it-base</feature><feature>vstack-core</feature>\n"
                + "    <bundle>" + topJar.toUri() + "</bundle>\n"
                + "  </feature>\n"
                + "</features>\n");
        features.addRepository(repository.toUri());

        String out = execute("trust:feature-approve --no-format trust-it");
        List<String[]> rows = out.lines().map(l -> l.split("\\s*\t\\s*")).filter(f -> f.length == 5).toList();
        for (String[] expected : new String[][] {{top, "approved"}, {base, "approved"}, {"io.vstack.core", "trusted already"}}) {
            assertTrue(out, rows.stream().anyMatch(f -> f[0].equals(expected[0]) && f[3].equals(expected[1])));
        }
        assertTrue(out, out.contains("Feature trust-it/1.0.0: 2 bundles approved, "));
        assertTrue(audit().lines().anyMatch(l -> l.contains("FEATURE") && l.contains("trust-it/1.0.0")));

        // Through the service: the shell's feature:install needs the admin role this session lacks.
        features.installFeature("trust-it");
        for (String name : new String[] {base, top}) {
            Bundle bundle = bundle(name).orElseThrow(() -> new AssertionError(name + " not installed by feature:install"));
            assertEquals(name + " runs under enforce", Bundle.ACTIVE, bundle.getState());
            assertTrue(list().lines().anyMatch(l -> l.contains(name) && l.contains("TRUSTED")));
        }
        features.uninstallFeature("trust-it");
        features.removeRepository(repository.toUri());
    }

    /**
     * docs/FILTERS.md's development loop, from generation to a filter passing data in the
     * distribution as shipped. The archetype's integration test ran steps 1 and 2 before this
     * module (archetype:generate with the properties the doc gives, then {@code mvn verify} of the
     * generated project in a new user home); this test checks that it ran them as the doc writes
     * them, then runs steps 3 to 5: the {@code trust:keys add} line that build printed, the signed
     * jar copied into deploy/ by the doc's path, and each console command of step 5 as written.
     */
    @Test
    public void theDocumentedFilterLoopTakesAGeneratedFilterIntoTheDataPath() throws Exception {
        List<String> loop = documentedLoop();
        Path it = Path.of(System.getProperty(FILTER_IT));
        Properties generated = new Properties();
        try (var in = Files.newBufferedReader(it.resolve("archetype.properties"))) {
            generated.load(in);
        }
        Map<String, String> generate = generateProperties(loop);
        assertEquals("io.vstack", generate.remove("archetypeGroupId"));
        assertEquals("io.vstack.filter-archetype", generate.remove("archetypeArtifactId"));
        assertEquals("the archetype version in docs/FILTERS.md", System.getProperty(VERSION), generate.remove("archetypeVersion"));
        Map<String, String> tested = new HashMap<>();
        generated.stringPropertyNames().forEach(key -> tested.put(key, generated.getProperty(key)));
        assertEquals("archetype:generate in docs/FILTERS.md and the archetype's integration test", tested, generate);
        String artifactId = generated.getProperty("artifactId");
        String goal = Files.readString(it.resolve("goal.txt")).strip();
        assertTrue(loop.toString(), loop.contains("cd " + artifactId + " && mvn " + goal));
        Path project = it.resolve("project").resolve(artifactId);

        // 3. The line the generated build printed, as printed (the doc shows it with another home).
        assertTrue(loop.toString(), loop.stream().anyMatch(l -> l.startsWith("trust:keys add ")));
        Matcher printed = Pattern.compile("trust:keys add \\S+").matcher(Files.readString(project.resolve("build.log")));
        assertTrue("the generated build printed no trust:keys add line", printed.find());
        String keys = execute(printed.group());
        assertTrue(keys, keys.contains("(vstack developer key)"));

        // 4. The jar the doc names, copied into deploy/.
        Matcher copy = matching(loop, "cp (\\S+) <vstack>/run/deploy/");
        Path deployed = deploy(project.resolve(copy.group(1)));
        String symbolicName = generated.getProperty("package");
        Bundle bundle = awaitBundle(symbolicName);
        Eventually.await(symbolicName + " ACTIVE from deploy/", () -> bundle.getState() == Bundle.ACTIVE);
        assertTrue(list(), list().lines().anyMatch(l -> l.contains(symbolicName) && l.contains("TRUSTED")
                && l.contains("signer:CN=") && l.contains("(vstack developer key)")));
        String filter = generated.getProperty("filterName");
        Eventually.await("filter " + filter + " available", () -> executeUnchecked("filter:list --no-format")
                .lines().anyMatch(l -> l.startsWith(filter + "\t")));

        // 5. The console commands, as written.
        List<String> console = loop.subList(loop.indexOf(loop.stream().filter(l -> l.startsWith("# 5.")).findFirst()
                .orElseThrow(() -> new AssertionError("no step 5 in " + loop))) + 1, loop.size())
                .stream().filter(l -> !l.startsWith("#")).toList();
        String disk = matching(console, "filter:attach (\\S+) " + Pattern.quote(filter) + "( .*)?").group(1);
        Map<String, String> outputs = new HashMap<>();
        for (String command : console) {
            outputs.put(command.split(" ")[0], execute(command));
        }
        String workload = outputs.get("workload:run");
        Matcher summary = Pattern.compile("disk " + Pattern.quote(disk) + ", .*, errors (\\d+), verified blocks (\\d+), "
                + "verify failures (\\d+), (\\w+)").matcher(workload == null ? "" : workload);
        assertTrue("workload:run summary in: " + workload, summary.find());
        assertEquals(workload, "0", summary.group(1));
        assertTrue(workload, Long.parseLong(summary.group(2)) > 0);
        assertEquals(workload, "0", summary.group(3));
        assertEquals(workload, "completed", summary.group(4));
        String filters = outputs.get("filter:list");
        String[] row = String.valueOf(filters).lines().map(l -> l.strip().split("\\s*[|\t]\\s*"))
                .filter(f -> f.length > 5 && f[0].equals(disk) && f[1].equals(filter)).findFirst()
                .orElseThrow(() -> new AssertionError("no attachment of " + filter + " to " + disk + " in:\n" + filters));
        assertEquals(filters, "active", row[2]);
        assertTrue(filters, Long.parseLong(row[4]) > 0);
        assertEquals(filters, "0", row[5]);
        undeploy(deployed, symbolicName);
    }

    @Test
    public void badInputIsAOneLineError() throws Exception {
        for (String command : new String[] {"trust:install file:/no/such/bundle.jar", "trust:keys add /no/such.pem",
            "trust:install nourl", "trust:revoke no.such.bundle", "trust:mode sometimes",
            "trust:feature-approve no-such-feature"}) {
            String message = executeExpectingError(command);
            assertFalse(command + ": " + message, message.contains("\n"));
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    /** The lines of the command block of docs/FILTERS.md's development loop, continuations joined. */
    private static List<String> documentedLoop() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty(FILTERS_DOC)));
        int section = doc.indexOf("## The development loop");
        assertTrue("docs/FILTERS.md has no development loop section", section >= 0);
        int start = doc.indexOf("```\n", section) + 4;
        int end = doc.indexOf("```", start);
        assertTrue("no command block in the development loop section", start >= 4 && end > start);
        return Arrays.stream(doc.substring(start, end).replace("\\\n", " ").split("\n"))
                .map(l -> l.strip().replaceAll("\\s+", " ")).filter(l -> !l.isEmpty()).toList();
    }

    /** The -Dkey=value pairs of the block's archetype:generate command. */
    private static Map<String, String> generateProperties(List<String> loop) {
        Matcher command = matching(loop, "mvn -B archetype:generate( .*)");
        Map<String, String> properties = new HashMap<>();
        for (String option : command.group(1).strip().split(" ")) {
            Matcher pair = Pattern.compile("-D([^=]+)=(.+)").matcher(option);
            assertTrue(option, pair.matches());
            properties.put(pair.group(1), pair.group(2));
        }
        return properties;
    }

    /** The one line that matches {@code regex} in full. */
    private static Matcher matching(List<String> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        List<Matcher> found = lines.stream().map(pattern::matcher).filter(Matcher::matches).toList();
        assertEquals("lines matching " + regex + " in " + lines, 1, found.size());
        return found.get(0);
    }

    private static void assertStartRefused(Bundle bundle) {
        try {
            bundle.start();
            fail(bundle.getSymbolicName() + " must not start");
        } catch (BundleException expected) {
            assertEquals(Bundle.INSTALLED, bundle.getState());
        }
    }

    /** A copy of the unsigned fixture under its own symbolic name, in the container's data folder. */
    private Path variant(String symbolicName) throws IOException {
        Path source = Path.of(System.getProperty(FIXTURES), "unsigned.jar");
        Path dir = Files.createDirectories(Path.of(System.getProperty("karaf.data"), "trust-it"));
        Path target = dir.resolve(symbolicName + ".jar");
        Files.write(target, rewrite(Files.readAllBytes(source), symbolicName, null, null));
        return target;
    }

    /** The jar with its symbolic name set, and one extra manifest header if given. */
    private static byte[] rewrite(byte[] jar, String symbolicName, String header, String value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            main.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
            if (header != null) {
                main.putValue(header, value);
            }
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    private static Path deploy(Path jar) throws IOException {
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path target = deploy.resolve(jar.getFileName());
        Path tmp = deploy.resolve(jar.getFileName() + ".part");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Removes a jar from deploy/ and waits until fileinstall has uninstalled its bundle. */
    private void undeploy(Path jar, String symbolicName) throws IOException, InterruptedException {
        Files.delete(jar);
        Eventually.await(symbolicName + " uninstalled from deploy/", () -> bundle(symbolicName).isEmpty());
    }

    private Optional<Bundle> bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    private Bundle awaitBundle(String symbolicName) throws InterruptedException {
        Eventually.await(symbolicName + " installed from deploy/", () -> bundle(symbolicName).isPresent());
        return bundle(symbolicName).orElseThrow();
    }

    private String list() {
        return executeUnchecked("trust:list --no-format");
    }

    private String audit() {
        return executeUnchecked("trust:audit --no-format");
    }

    private String executeUnchecked(String command) {
        try {
            return execute(command);
        } catch (Exception e) {
            throw new AssertionError(command + " failed: " + e.getMessage(), e);
        }
    }

    private String executeExpectingError(String command) {
        try {
            execute(command);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
        throw new AssertionError(command + " must fail");
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
