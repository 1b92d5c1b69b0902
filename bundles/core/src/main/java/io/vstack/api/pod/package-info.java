/**
 * Pods of containers run in pod VMs: {@link io.vstack.api.pod.PodService} is the control plane
 * holding the desired state ({@link io.vstack.api.pod.PodSpec}) and each pod's observed
 * {@link io.vstack.api.pod.PodStatus}, with a watch ({@link io.vstack.api.pod.PodWatcher}).
 * Containers run inside a pod VM through a {@link io.vstack.api.pod.ContainerRuntime}, a
 * whiteboard extension point.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.pod;
