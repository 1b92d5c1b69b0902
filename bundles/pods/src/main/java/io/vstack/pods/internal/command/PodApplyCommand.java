package io.vstack.pods.internal.command;

import io.vstack.api.UserText;
import io.vstack.api.pod.PodService;
import io.vstack.api.pod.PodSpec;
import io.vstack.api.pod.PodStatus;
import io.vstack.pods.internal.PodFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** {@code pod:apply}: adds the pod of a JSON pod file. */
@Service
@Command(scope = "pod", name = "apply", description = "Adds a pod from a JSON pod file: {\"namespace\": \"default\", "
        + "\"name\": \"web\", \"containers\": [{\"name\": \"app\", \"image\": \"busybox\", \"command\": [\"echo\", \"hi\"], "
        + "\"cpuMillis\": 250, \"memory\": \"64M\"}]}")
public class PodApplyCommand implements Action {

    /** Pod files larger than this are refused before parsing. */
    static final long MAX_FILE = 1 << 20;

    @Reference
    PodService pods;

    @Argument(index = 0, name = "file", required = true, description = "The pod file (JSON)")
    @Completion(FileCompleter.class)
    String file;

    @Override
    public Object execute() throws Exception {
        Path path = Path.of(file);
        String text;
        try {
            if (Files.size(path) > MAX_FILE) {
                throw new IllegalArgumentException("pod file " + UserText.quote(file) + " is larger than 1 MiB");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read pod file " + UserText.quote(file));
        }
        PodSpec spec = PodFiles.parse(text);
        PodStatus status = pods.apply(spec);
        System.out.println("pod " + spec.key() + " applied: " + status.phase().name().toLowerCase()
                + (status.reason().isEmpty() ? "" : ", " + status.reason()));
        return null;
    }
}
