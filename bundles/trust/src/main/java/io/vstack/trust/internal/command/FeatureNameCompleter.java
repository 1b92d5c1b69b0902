package io.vstack.trust.internal.command;

import java.util.Arrays;
import java.util.List;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the features the features repositories provide. */
@Service
public class FeatureNameCompleter implements Completer {

    /** Optional, as in {@link TrustFeatureApproveCommand}. */
    @Reference(optional = true)
    FeaturesService features;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = List.of();
        try {
            if (features != null) {
                names = Arrays.stream(features.listFeatures()).map(Feature::getName).distinct().sorted().toList();
            }
        } catch (Exception e) {
            // no repository answers: nothing to complete
        }
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
