package io.vstack.api.pod;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The pod control plane: holds the desired pods, places each on a host with enough free CPU and
 * memory, and lets each host's pod-VM controller make it real (a pod VM through the VM service,
 * its containers through a {@link ContainerRuntime}). The desired state lives in memory.
 * <p><b>Threads.</b> Thread-safe. {@link #apply} returns once the pod is recorded and placed (or
 * left pending with a reason); the pod becomes {@link PodPhase#RUNNING} asynchronously, which a
 * {@link PodWatcher} sees. {@link #delete} blocks until the pod VM and the pod's files are gone.
 */
@ProviderType
public interface PodService {

    /**
     * Adds a pod to the desired state and schedules it. A pod that fits no host stays
     * {@link PodPhase#PENDING} with the reason, and is placed when room appears.
     *
     * @return its status right after scheduling
     * @throws PodException if a pod with its namespace and name exists
     */
    PodStatus apply(PodSpec spec) throws PodException;

    /**
     * Deletes a pod: its containers stop, its pod VM and its files are removed.
     *
     * @throws PodException if there is no such pod
     */
    void delete(String namespace, String name) throws PodException;

    /** Every pod, sorted by namespace then name. */
    List<PodStatus> pods();

    /** The pod {@code namespace/name}, if there is one. */
    Optional<PodStatus> pod(String namespace, String name);

    /**
     * What container {@code container} of a pod wrote (stdout and stderr), the last
     * {@code maxBytes} of it.
     *
     * @throws PodException if there is no such pod or container, or it has not started yet
     * @throws IOException  if its log cannot be read
     */
    String logs(String namespace, String name, String container, int maxBytes) throws PodException, IOException;

    /**
     * Starts telling {@code watcher} of every change; it first gets the status of every pod now.
     *
     * @return closing it stops the watch
     */
    AutoCloseable watch(PodWatcher watcher);
}
