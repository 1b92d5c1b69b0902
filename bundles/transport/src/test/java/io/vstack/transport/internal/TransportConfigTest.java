package io.vstack.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.support.ConfigGuard;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration of io.vstack.transport: defaults, and bad values refused naming the key. */
class TransportConfigTest {

    private static TransportComponent.Config config(Map<String, String> values) {
        TransportComponent.Config defaults = ConfigGuard.defaults(TransportComponent.Config.class);
        return (TransportComponent.Config) Proxy.newProxyInstance(TransportComponent.Config.class.getClassLoader(),
                new Class<?>[] {TransportComponent.Config.class}, (proxy, method, args) ->
                        values.containsKey(method.getName()) ? values.get(method.getName()) : method.invoke(defaults, args));
    }

    @Test
    void theDefaultsListenOnLoopbackOnAFreePort() {
        TransportSettings s = TransportComponent.parse(config(Map.of()));
        assertEquals("127.0.0.1", s.bindAddress().getHostAddress());
        assertEquals(0, s.port());
        assertEquals(Duration.ofSeconds(10), s.requestTimeout());
        assertEquals(4, s.workers());
        assertEquals(16 << 20, s.maxPayload());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertEquals("io.vstack.transport: key 'port': 'x' is not a whole number",
                refusal(Map.of("port", "x")));
        assertEquals("io.vstack.transport: key 'frameTimeout': must be more than 0", refusal(Map.of("frameTimeout", "0s")));
        assertEquals("io.vstack.transport: key 'maxFrame': must be from 4KiB to 64MiB", refusal(Map.of("maxFrame", "1GiB")));
        assertEquals("io.vstack.transport: key 'workers': 0 must be from 1 to 256", refusal(Map.of("workers", "0")));
    }

    private static String refusal(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> TransportComponent.parse(config(values))).getMessage();
    }
}
