package io.vstack.disks.internal;

import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.FilterFramework;
import java.util.List;
import java.util.Map;

/** The filter framework of one host: runs the chains of the disks that host owns. */
final class HostFilterFramework implements FilterFramework {

    private final DiskService service;
    private final String host;

    HostFilterFramework(DiskService service, String host) {
        this.service = service;
        this.host = host;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public List<FilterDescriptor> available() {
        return service.availableFilters();
    }

    @Override
    public List<FilterAttachment> attachments(String diskId) {
        return service.requireDisk(diskId, host).attachments();
    }

    @Override
    public FilterAttachment attach(String diskId, String filterName, Map<String, String> config) {
        return service.attach(host, diskId, filterName, config);
    }

    @Override
    public void detach(String diskId, String filterName) {
        service.detach(host, diskId, filterName);
    }
}
