package io.vstack.storage.cloud.internal;

import io.vstack.api.ByteSize;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;

/**
 * The cloud backend: each store is a set of objects in an S3 bucket, {@code <id>/meta} (geometry)
 * and one object per chunk {@code <id>/c/<index>} (absent chunks read as zeros), spoken to over the
 * real S3 protocol by the AWS SDK for Java v2 (embedded) over the JDK's HttpURLConnection.
 * <p>Unconfigured (no {@code endpoint}), it registers anyway and says {@code DOWN: no endpoint
 * configured}. The S3 client is built on first use, not in {@code @Activate}.
 */
@Component(service = {StorageBackend.class, MetricSource.class}, configurationPid = CloudConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = StorageBackend.TYPE_PROPERTY + "=cloud")
@Designate(ocd = CloudBackend.Config.class)
public final class CloudBackend implements StorageBackend, MetricSource, AutoCloseable {

    /** The configuration {@code etc/io.vstack.storage.cloud.cfg}. */
    @ObjectClassDefinition(id = CloudConfig.PID, name = "vstack cloud (S3) backend",
            description = "Disk blocks as chunk objects in an S3-compatible object store")
    public @interface Config {
        @AttributeDefinition(description = "S3 endpoint URL, e.g. http://127.0.0.1:9000; empty: not configured (DOWN)")
        String endpoint() default "";

        @AttributeDefinition(description = "Bucket holding the stores (created if missing)")
        String bucket() default "vstack";

        @AttributeDefinition(description = "Signing region")
        String region() default "us-east-1";

        @AttributeDefinition(description = "Access key id; empty: anonymous requests")
        String accessKey() default "";

        @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
                description = "Secret access key")
        String secretKey() default "";

        @AttributeDefinition(description = "Bytes per chunk object for new stores: 1M, 2M or 4M")
        String chunkSize() default "1M";

        @AttributeDefinition(description = "Local write-back cache per open store, e.g. 64M (0: off; writes go to S3 at once)")
        String cache() default "0";

        @AttributeDefinition(description = "Capacity the stores may reserve in all, e.g. 1T")
        String capacity() default "1T";
    }

    private static final Logger LOG = LoggerFactory.getLogger(CloudBackend.class);

    private final ConfigGuard<Config, CloudConfig> settings;
    private S3Client client;
    private boolean bucketChecked;
    final LongAdder gets = new LongAdder();
    final LongAdder puts = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();

    /** Creates the backend from its configuration (its defaults if that is refused); nothing is contacted yet. */
    @Activate
    public CloudBackend(Config config) {
        this(ConfigGuard.start(config, ConfigGuard.defaults(Config.class), CloudBackend::parse));
    }

    /** Creates the backend from a parsed configuration; for tests and benchmarks. */
    public CloudBackend(CloudConfig config) {
        this(ConfigGuard.of(config, CloudBackend::parse));
    }

    private CloudBackend(ConfigGuard<Config, CloudConfig> settings) {
        this.settings = settings;
        CloudConfig config = settings.current();
        LOG.info("Cloud backend ready: {}", describe(config));
    }

    private static String describe(CloudConfig config) {
        return config.endpoint() == null ? "no endpoint configured"
                : "bucket " + config.bucket() + " at " + config.endpoint() + ", chunks of "
                        + ByteSize.ofBytes(config.chunkSize()) + ", cache " + ByteSize.ofBytes(config.cache())
                        + ", capacity " + ByteSize.ofBytes(config.capacity());
    }

    private static CloudConfig parse(Config config) {
        return CloudConfig.parse(config.endpoint(), config.bucket(), config.region(), config.accessKey(),
                config.secretKey(), config.chunkSize(), config.cache(), config.capacity());
    }

    /**
     * Applies a changed configuration in place: capacity, and chunk size and cache for stores
     * created or opened from now on; while no endpoint was configured (no S3 client was built, no
     * store can be open), also the endpoint, bucket, region and credentials, which otherwise apply
     * at the next start. A bad value is refused with one log line and changes nothing.
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            if (previous.endpoint() != null) {
                ConfigKeys.requireUnchanged(CloudConfig.PID, "endpoint", previous.endpoint(), next.endpoint());
                ConfigKeys.requireUnchanged(CloudConfig.PID, "bucket", previous.bucket(), next.bucket());
                ConfigKeys.requireUnchanged(CloudConfig.PID, "region", previous.region(), next.region());
                ConfigKeys.requireUnchanged(CloudConfig.PID, "accessKey", previous.accessKey(), next.accessKey());
                ConfigKeys.requireUnchanged(CloudConfig.PID, "secretKey", "(secret)",
                        previous.secretKey().equals(next.secretKey()) ? "(secret)" : "(another secret)");
            }
            LOG.info("Cloud backend reconfigured: {}", describe(next));
        });
    }

    /** The configuration in force. */
    CloudConfig config() {
        return settings.current();
    }

    /** Closes the S3 client. */
    @Deactivate
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    String name() {
        return "cloud-" + config().bucket();
    }

    @Override
    public BackendType type() {
        return BackendType.CLOUD;
    }

    /** The client, built on first use with the bundle's class loader as context class loader. */
    private synchronized S3Client client() throws BackendUnavailableException {
        if (config().endpoint() == null) {
            throw new BackendUnavailableException(name() + ": no endpoint configured: set endpoint in etc/"
                    + CloudConfig.PID + ".cfg");
        }
        if (client == null) {
            client = withBundleLoader(() -> {
                AwsCredentialsProvider credentials = config().accessKey().isEmpty() ? AnonymousCredentialsProvider.create()
                        : StaticCredentialsProvider.create(AwsBasicCredentials.create(config().accessKey(), config().secretKey()));
                return S3Client.builder()
                        // Explicit HTTP client: the SDK's ServiceLoader lookup does not work in OSGi.
                        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                                .socketTimeout(Duration.ofSeconds(30)).build())
                        .endpointOverride(config().endpoint())
                        .region(Region.of(config().region()))
                        .credentialsProvider(credentials)
                        .forcePathStyle(true)
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(60)))
                        .build();
            });
        }
        return client;
    }

    private static <T> T withBundleLoader(S3Call<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(CloudBackend.class.getClassLoader());
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Runs one S3 call, turning SDK failures into storage exceptions that name the backend, the
     * store and what was being done.
     */
    <T> T s3(String store, String what, java.util.function.Function<S3Client, T> call) throws StorageException {
        S3Client s3 = client();
        ensureBucket(s3);
        try {
            return withBundleLoader(() -> call.apply(s3));
        } catch (SdkClientException | java.io.UncheckedIOException e) {
            throw new BackendUnavailableException(name() + ": store " + store + ": " + what + " failed: "
                    + config().endpoint() + " unreachable: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StorageException(name() + ": store " + store + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    private void ensureBucket(S3Client s3) throws StorageException {
        synchronized (this) {
            if (bucketChecked) {
                return;
            }
        }
        try {
            withBundleLoader(() -> {
                try {
                    s3.headBucket(b -> b.bucket(config().bucket()));
                } catch (NoSuchBucketException e) {
                    createBucket(s3);
                } catch (S3Exception e) {
                    if (e.statusCode() != 404) {
                        throw e;
                    }
                    createBucket(s3);
                }
                return null;
            });
        } catch (SdkClientException | java.io.UncheckedIOException e) {
            throw new BackendUnavailableException(name() + ": " + config().endpoint() + " unreachable: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StorageException(name() + ": bucket " + config().bucket() + " unusable: " + e.getMessage(), e);
        }
        synchronized (this) {
            bucketChecked = true;
        }
    }

    /** Creates the bucket; one that another caller (the health probe, a second create) made meanwhile is as good. */
    private void createBucket(S3Client s3) {
        try {
            s3.createBucket(b -> b.bucket(config().bucket()));
            LOG.info("Cloud backend: bucket {} created at {}", config().bucket(), config().endpoint());
        } catch (BucketAlreadyOwnedByYouException e) {
            LOG.debug("Cloud backend: bucket {} was created meanwhile", config().bucket());
        }
    }

    @Override
    public synchronized BlockStore create(StoreSpec spec) throws StorageException {
        if (readMeta(spec.id()) != null) {
            throw new StoreExistsException(name() + ": store " + spec.id() + " exists already");
        }
        long used = used();
        if (spec.capacity() > config().capacity() - used) {
            throw new CapacityExceededException(name() + ": no room for store " + spec.id() + " of "
                    + ByteSize.ofBytes(spec.capacity()).toHumanString() + ": capacity "
                    + ByteSize.ofBytes(config().capacity()).toHumanString() + ", "
                    + ByteSize.ofBytes(config().capacity() - used).toHumanString() + " free");
        }
        Properties p = new Properties();
        p.setProperty("version", "1");
        p.setProperty("capacity", Long.toString(spec.capacity()));
        p.setProperty("blockSize", Integer.toString(spec.blockSize()));
        p.setProperty("chunkSize", Integer.toString(config().chunkSize()));
        p.setProperty("host", spec.host());
        StringWriter text = new StringWriter();
        try {
            p.store(text, "vstack store metadata");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        s3(spec.id(), "writing its metadata", s3 -> s3.putObject(b -> b.bucket(config().bucket()).key(spec.id() + "/meta"),
                RequestBody.fromBytes(bytes)));
        LOG.info("Cloud {}: store {} created ({}, chunks of {})", name(), spec.id(), ByteSize.ofBytes(spec.capacity()),
                ByteSize.ofBytes(config().chunkSize()));
        return open(spec.id(), spec.host());
    }

    @Override
    public BlockStore open(String storeId, String host) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        Properties meta = readMeta(storeId);
        if (meta == null) {
            throw new StoreNotFoundException(name() + ": no store " + storeId);
        }
        try {
            return new CloudStore(this, storeId, Long.parseLong(meta.getProperty("capacity")),
                    Integer.parseInt(meta.getProperty("chunkSize")), config().cache());
        } catch (RuntimeException e) {
            throw new StorageException(name() + ": store " + storeId + ": corrupt metadata: " + e.getMessage(), e);
        }
    }

    private Properties readMeta(String storeId) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        String text = s3(storeId, "reading its metadata", s3 -> {
            try {
                return s3.getObjectAsBytes(b -> b.bucket(config().bucket()).key(storeId + "/meta")).asUtf8String();
            } catch (NoSuchKeyException e) {
                return null;
            }
        });
        if (text == null) {
            return null;
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new StorageException(name() + ": store " + storeId + ": unreadable metadata", e);
        }
        return p;
    }

    @Override
    public synchronized void delete(String storeId) throws StorageException {
        if (readMeta(storeId) == null) {
            throw new StoreNotFoundException(name() + ": no store " + storeId);
        }
        // The metadata goes first: a store half deleted is gone, its leftover chunks are garbage.
        s3(storeId, "deleting its metadata", s3 -> s3.deleteObject(b -> b.bucket(config().bucket()).key(storeId + "/meta")));
        List<String> keys = s3(storeId, "listing its chunks", s3 -> s3.listObjectsV2Paginator(b -> b
                .bucket(config().bucket()).prefix(storeId + "/c/")).contents().stream().map(S3Object::key).toList());
        for (String key : keys) {
            s3(storeId, "deleting " + key, s3 -> s3.deleteObject(b -> b.bucket(config().bucket()).key(key)));
        }
        LOG.info("Cloud {}: store {} deleted ({} chunk objects)", name(), storeId, keys.size());
    }

    /** The ids of the stores in the bucket. */
    List<String> stores() throws StorageException {
        return s3("*", "listing stores", s3 -> s3.listObjectsV2Paginator(b -> b.bucket(config().bucket()).delimiter("/"))
                .commonPrefixes().stream().map(CommonPrefix::prefix).map(p -> p.substring(0, p.length() - 1)).toList());
    }

    private long used() throws StorageException {
        long used = 0;
        for (String store : stores()) {
            Properties meta = readMeta(store);
            if (meta != null) {
                used += Long.parseLong(meta.getProperty("capacity", "0"));
            }
        }
        return used;
    }

    @Override
    public BackendStatus status() {
        if (config().endpoint() == null) {
            return new BackendStatus(name(), BackendType.CLOUD, config().capacity(), 0, Health.DOWN,
                    "no endpoint configured: set endpoint in etc/" + CloudConfig.PID + ".cfg");
        }
        try {
            List<String> stores = stores();
            long used = 0;
            for (String store : stores) {
                Properties meta = readMeta(store);
                used += meta == null ? 0 : Long.parseLong(meta.getProperty("capacity", "0"));
            }
            return new BackendStatus(name(), BackendType.CLOUD, config().capacity(), used, Health.HEALTHY,
                    "bucket " + config().bucket() + " at " + config().endpoint() + ", " + stores.size() + " stores, chunks of "
                            + ByteSize.ofBytes(config().chunkSize()) + ", cache "
                            + (config().cache() == 0 ? "off" : ByteSize.ofBytes(config().cache()) + " per store"));
        } catch (StorageException | RuntimeException e) {
            return new BackendStatus(name(), BackendType.CLOUD, config().capacity(), 0, Health.DOWN, e.getMessage());
        }
    }

    @Override
    public Map<String, String> labels() {
        return Map.of(MetricLabels.BACKEND, "cloud");
    }

    @Override
    public String source() {
        return "storage/" + name();
    }

    @Override
    public List<Metric> snapshot() {
        List<Metric> metrics = new ArrayList<>();
        metrics.add(Metric.counter("s3.gets", "ops", gets.sum(), Map.of()));
        metrics.add(Metric.counter("s3.puts", "ops", puts.sum(), Map.of()));
        metrics.add(Metric.counter("s3.bytes.in", "bytes", bytesIn.sum(), Map.of()));
        metrics.add(Metric.counter("s3.bytes.out", "bytes", bytesOut.sum(), Map.of()));
        return metrics;
    }
}
