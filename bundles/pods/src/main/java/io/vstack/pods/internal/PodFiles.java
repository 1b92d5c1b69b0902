package io.vstack.pods.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.pod.ContainerSpec;
import io.vstack.api.pod.PodSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Pod spec files (JSON) and the pods' directories. */
public final class PodFiles {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** A pod file as written. */
    public record PodFile(String namespace, String name, List<ContainerFile> containers) {
    }

    /** A container in a pod file; {@code memory} is a size such as {@code 64M}. */
    public record ContainerFile(String name, String image, List<String> command, long cpuMillis, String memory) {
    }

    private PodFiles() {
    }

    /**
     * Parses a pod file: {@code {"namespace": "default", "name": "web", "containers": [{"name": "app",
     * "image": "busybox", "command": ["echo", "hi"], "cpuMillis": 250, "memory": "64M"}]}};
     * {@code namespace} defaults to {@code default}, {@code command} to none.
     *
     * @throws IllegalArgumentException one line naming the field that is wrong
     */
    public static PodSpec parse(String text) {
        PodFile file;
        try {
            file = JSON.readValue(text, PodFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown field " + UserText.quote(e.getPropertyName()) + " in "
                    + e.getReferringClass().getSimpleName().replace("File", "").toLowerCase() + " spec", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a pod file: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " at " + location(e), e);
        }
        if (file == null) {
            throw new IllegalArgumentException("not a pod file: it is empty");
        }
        if (file.containers() == null) {
            throw new IllegalArgumentException("pod " + file.name() + ": field 'containers' is missing");
        }
        List<ContainerSpec> containers = new ArrayList<>();
        for (ContainerFile c : file.containers()) {
            if (c == null) {
                throw new IllegalArgumentException("pod " + file.name() + ": a container is null");
            }
            if (c.memory() == null) {
                throw new IllegalArgumentException("container " + c.name() + ": field 'memory' is missing");
            }
            long memory;
            try {
                memory = ByteSize.parse(c.memory()).bytes();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("container " + c.name() + ": field 'memory': " + e.getMessage(), e);
            }
            containers.add(new ContainerSpec(c.name(), c.image(), c.command() == null ? List.of() : c.command(),
                    c.cpuMillis(), memory));
        }
        return new PodSpec(file.namespace() == null ? "default" : file.namespace(), file.name(), containers);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "the end" : "line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }

    /** The last {@code maxBytes} of {@code file}, as UTF-8. */
    static String tail(Path file, int maxBytes) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int n = (int) Math.min(length, maxBytes);
            byte[] bytes = new byte[n];
            in.seek(length - n);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Deletes everything in {@code dir}, keeping it. */
    static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                deleteTree(entry);
            }
        }
    }

    /** Deletes {@code dir} and everything in it; nothing if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException e) {
                    // gone already
                }
            }
        }
    }
}
