package io.vstack.migration.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The source's page sender: packs pages into PAGES frames ({@link PagesFrame}) of up to
 * {@value Wire#PAGES_PER_FRAME} pages (zero pages as directory entries only), each tagged with the generation (sync count) in which
 * its pages were harvested. With no extra channel the frames go on the main channel from the
 * caller's thread; with extra channels they go round-robin to one sender thread per channel,
 * and {@link #barrier} is the ITER_END flush that the destination waits for before it verifies.
 * Not thread-safe: one caller (the migration thread).
 */
final class PageStream implements AutoCloseable {

    private final FrameWriter main;
    private final List<Sender> senders = new ArrayList<>();
    private final int[] sentCrcs;
    private PagesFrame batch;
    private int gen;
    private int next;
    private long pagesRaw;
    private long pagesZero;
    private final PagesFrame mainFrame;

    /**
     * @param sentCrcs if not null, receives the CRC32C of every page as sent (digest of sent pages)
     */
    PageStream(FrameWriter main, List<FrameWriter> channels, String name, int[] sentCrcs) {
        this.main = main;
        this.sentCrcs = sentCrcs;
        for (int i = 0; i < channels.size(); i++) {
            Sender s = new Sender(channels.get(i), name + "-ch" + (i + 1));
            senders.add(s);
            s.thread.start();
        }
        this.mainFrame = senders.isEmpty() ? new PagesFrame(Wire.PAGES_PER_FRAME) : null;
    }

    /** Pages sent from now on carry generation {@code generation}. */
    void generation(int generation) throws IOException {
        flush();
        this.gen = generation;
    }

    /** Adds page {@code pfn} (a view of its current bytes) to the stream. */
    void add(long pfn, ByteBuffer page) throws IOException {
        if (batch == null) {
            batch = acquire();
        }
        boolean zero = Pages.isZero(page);
        int crc = batch.add(pfn, page, zero);
        if (zero) {
            pagesZero++;
        } else {
            pagesRaw++;
        }
        if (sentCrcs != null) {
            sentCrcs[(int) pfn] = crc;
        }
        if (batch.isFull()) {
            flush();
        }
    }

    /** Sends the batch being filled, if any. */
    void flush() throws IOException {
        if (batch == null) {
            return;
        }
        PagesFrame full = batch;
        batch = null;
        if (senders.isEmpty()) {
            full.send(main, gen);
        } else {
            Sender s = senders.get(next);
            next = (next + 1) % senders.size();
            s.submit(full, gen);
        }
    }

    /** Flushes, then sends ITER_END({@code iteration}) on every extra channel and waits until each has written it. */
    void barrier(long iteration) throws IOException {
        flush();
        List<CountDownLatch> done = new ArrayList<>();
        for (Sender s : senders) {
            done.add(s.marker(iteration));
        }
        try {
            for (int i = 0; i < done.size(); i++) {
                done.get(i).await();
                senders.get(i).check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted at the channel barrier");
        }
    }

    /** The CRC32C of every page as last sent (null unless asked for). */
    int[] sentCrcs() {
        return sentCrcs;
    }

    /** Pages sent with their bytes so far. */
    long pagesRaw() {
        return pagesRaw;
    }

    long pagesZero() {
        return pagesZero;
    }

    /** Per extra channel: bytes written. */
    List<Long> channelBytes() {
        return senders.stream().map(s -> s.bytes.get()).toList();
    }

    private PagesFrame acquire() throws IOException {
        if (senders.isEmpty()) {
            return mainFrame;
        }
        return senders.get(next).acquire();
    }

    @Override
    public void close() {
        for (Sender s : senders) {
            s.thread.interrupt();
        }
    }

    /** One extra channel's sender thread with two buffers in flight. */
    private static final class Sender {
        private record Item(PagesFrame frame, int gen, long iteration, CountDownLatch done) {
        }

        final FrameWriter writer;
        final Thread thread;
        final AtomicLong bytes = new AtomicLong();
        final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(2);
        final BlockingQueue<PagesFrame> free = new ArrayBlockingQueue<>(3);
        volatile IOException failure;

        Sender(FrameWriter writer, String name) {
            this.writer = writer;
            for (int i = 0; i < 3; i++) {
                free.add(new PagesFrame(Wire.PAGES_PER_FRAME));
            }
            this.thread = new Thread(this::run, name);
            this.thread.setDaemon(true);
        }

        PagesFrame acquire() throws IOException {
            check();
            try {
                return free.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for a channel buffer");
            }
        }

        void submit(PagesFrame frame, int gen) throws IOException {
            put(new Item(frame, gen, -1, null));
        }

        CountDownLatch marker(long iteration) throws IOException {
            CountDownLatch done = new CountDownLatch(1);
            put(new Item(null, 0, iteration, done));
            return done;
        }

        private void put(Item item) throws IOException {
            check();
            try {
                queue.put(item);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted queueing pages");
            }
        }

        void check() throws IOException {
            IOException f = failure;
            if (f != null) {
                throw new IOException("extra channel failed: " + f.getMessage(), f);
            }
        }

        private void run() {
            try {
                while (true) {
                    Item item = queue.take();
                    try {
                        if (item.frame() != null) {
                            int n = item.frame().payloadBytes();
                            item.frame().send(writer, item.gen());
                            bytes.addAndGet(n + Wire.HEADER_BYTES);
                            free.add(item.frame());
                        } else {
                            writer.write(Wire.ITER_END, ByteBuffer.allocate(8).putLong(0, item.iteration()));
                            bytes.addAndGet(8 + Wire.HEADER_BYTES);
                        }
                    } catch (IOException e) {
                        failure = e;
                        if (item.frame() != null) {
                            free.add(item.frame());
                        }
                    } finally {
                        if (item.done() != null) {
                            item.done().countDown();
                        }
                    }
                }
            } catch (InterruptedException e) {
                // closed: the migration ended
                Thread.currentThread().interrupt();
            }
        }
    }
}
