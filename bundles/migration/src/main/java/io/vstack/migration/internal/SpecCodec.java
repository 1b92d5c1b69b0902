package io.vstack.migration.internal;

import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A VM's spec on the wire (HELLO), so the destination recreates it exactly. */
final class SpecCodec {

    private SpecCodec() {
    }

    static ByteBuffer encode(VmSpec spec) {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        Wire.putString(b, spec.name());
        Wire.putString(b, spec.host());
        b.putLong(spec.memory()).putInt(spec.vcpus());
        b.putInt(spec.disks().size());
        spec.disks().forEach(d -> Wire.putString(b, d));
        b.putInt(spec.interfaces().size());
        for (VmInterface nic : spec.interfaces()) {
            Wire.putString(b, nic.eniId());
            Wire.putString(b, nic.mac());
            Wire.putString(b, nic.network());
            b.putInt(nic.addresses().size());
            nic.addresses().forEach(a -> Wire.putString(b, a));
        }
        WorkloadSpec w = spec.workload();
        b.putLong(w.dirtyRateBytesPerSecond()).putLong(w.workingSetBytes()).putInt(w.pattern().ordinal())
                .putDouble(w.zipfExponent()).putInt(w.writeSize()).putDouble(w.zeroFraction()).putLong(w.heartbeat().toNanos());
        return b.flip();
    }

    static VmSpec decode(ByteBuffer b) throws ProtocolException {
        try {
            String name = Wire.getString(b);
            String host = Wire.getString(b);
            long memory = b.getLong();
            int vcpus = b.getInt();
            List<String> disks = new ArrayList<>();
            for (int i = b.getInt(); i > 0; i--) {
                disks.add(Wire.getString(b));
            }
            List<VmInterface> nics = new ArrayList<>();
            for (int i = b.getInt(); i > 0; i--) {
                String eni = Wire.getString(b);
                String mac = Wire.getString(b);
                String network = Wire.getString(b);
                List<String> addresses = new ArrayList<>();
                for (int j = b.getInt(); j > 0; j--) {
                    addresses.add(Wire.getString(b));
                }
                nics.add(new VmInterface(eni, mac, network, addresses));
            }
            WorkloadSpec w = new WorkloadSpec(b.getLong(), b.getLong(), WorkloadPattern.values()[b.getInt()], b.getDouble(),
                    b.getInt(), b.getDouble(), Duration.ofNanos(b.getLong()));
            return new VmSpec(name, host, memory, vcpus, disks, nics, w);
        } catch (RuntimeException e) {
            throw new ProtocolException("malformed VM description in HELLO: " + e.getMessage());
        }
    }
}
