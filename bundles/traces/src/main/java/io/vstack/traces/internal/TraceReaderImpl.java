package io.vstack.traces.internal;

import io.vstack.support.MemoryBudget;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceReader;
import io.vstack.api.trace.TraceSource;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/** The {@link TraceReader} service. Stateless; each call reads on the caller's thread. */
@Component(service = TraceReader.class)
public final class TraceReaderImpl implements TraceReader {

    @Override
    public TraceSource open(Path file, TraceFormat format) throws IOException {
        return KeyStream.open(file, format);
    }

    @Override
    public long[] readAll(Path file, TraceFormat format) throws IOException {
        try (KeyStream keys = KeyStream.open(file, format)) {
            return keys.readAll(MemoryBudget::current);
        }
    }
}
