package io.vstack.pods.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.pod.PodSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodFilesTest {

    private static String message(String json) {
        return assertThrows(IllegalArgumentException.class, () -> PodFiles.parse(json)).getMessage();
    }

    @Test
    void parsesAPodFile() {
        PodSpec spec = PodFiles.parse("""
                {"name": "web", "containers": [
                  {"name": "app", "image": "busybox", "command": ["echo", "hi"], "cpuMillis": 250, "memory": "64M"},
                  {"name": "side", "image": "busybox", "cpuMillis": 100, "memory": "1M"}]}""");
        assertEquals("default/web", spec.key());
        assertEquals(List.of("echo", "hi"), spec.containers().get(0).command());
        assertEquals(350, spec.cpuMillis());
        assertEquals(65L << 20, spec.memoryBytes());
    }

    @Test
    void badInputIsOneLineNamingTheFieldOrObject() {
        assertEquals("unknown field 'replicas' in pod spec",
                message("{\"name\": \"web\", \"replicas\": 3, \"containers\": []}"));
        assertEquals("container app: field 'memory': " + messageOfSize("lots"), message(
                "{\"name\": \"web\", \"containers\": [{\"name\": \"app\", \"image\": \"b\", \"cpuMillis\": 1, \"memory\": \"lots\"}]}"));
        assertEquals("pod default/web: container 'app' is named twice", message(
                "{\"name\": \"web\", \"containers\": [{\"name\": \"app\", \"image\": \"b\", \"cpuMillis\": 1, \"memory\": \"1M\"},"
                        + "{\"name\": \"app\", \"image\": \"b\", \"cpuMillis\": 1, \"memory\": \"1M\"}]}"));
        assertEquals("container app: field 'cpuMillis' 0 must be from 1 to 64000", message(
                "{\"name\": \"web\", \"containers\": [{\"name\": \"app\", \"image\": \"b\", \"cpuMillis\": 0, \"memory\": \"1M\"}]}"));
        assertEquals("invalid pod name 'Web!': use lower-case letters, digits and '-' (at most 30, not at either end)",
                message("{\"name\": \"Web!\", \"containers\": []}"));
        assertEquals(1, message("{\"name\": ").lines().count());
    }

    private static String messageOfSize(String text) {
        return assertThrows(IllegalArgumentException.class, () -> io.vstack.api.ByteSize.parse(text)).getMessage();
    }
}
