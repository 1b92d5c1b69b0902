package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import io.vstack.trust.internal.TrustAccess;
import java.util.List;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code trust:feature-approve}: approves every bundle of a Karaf feature, so that feature:install works under enforce. */
@Service
@Command(scope = "trust", name = "feature-approve", description = "Approves every bundle of a Karaf feature and of the "
        + "features it depends on (verified as trust:install does, installed by nobody), so that feature:install of it "
        + "runs under enforce")
public class TrustFeatureApproveCommand implements Action {

    @Reference
    TrustAccess trust;

    /**
     * Optional: a mandatory reference would hold back every trust: command whenever the features
     * service re-registers (it does when etc/org.apache.karaf.features.cfg changes).
     */
    @Reference(optional = true)
    FeaturesService features;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Argument(index = 0, name = "feature", required = true, description = "feature name (feature:list)")
    @Completion(FeatureNameCompleter.class)
    String name;

    @Argument(index = 1, name = "version", required = false, description = "version or range; the highest if absent")
    String version;

    @Override
    public Object execute() throws TrustException {
        if (features == null) {
            throw new TrustException("the features service is not available right now; try again when feature:list answers");
        }
        FeatureBundles feature = FeatureBundles.of(features, name.strip(), version == null ? null : version.strip());
        List<TrustAccess.Approval> approvals = trust.approveFeature(feature.feature(), feature.locations(), Approver.current());
        ShellTable table = new ShellTable().emptyTableText("Feature " + feature.feature() + " has no bundles");
        table.column("Symbolic name");
        table.column("Version");
        table.column("SHA-256");
        table.column("Status");
        table.column("Location");
        for (TrustAccess.Approval approval : approvals) {
            table.addRow().addContent(approval.binary().symbolicName(), approval.binary().version(),
                    approval.binary().contentSha256().substring(0, 16),
                    approval.alreadyTrusted() ? "trusted already" : "approved", approval.binary().location());
        }
        table.print(System.out, !noFormat);
        long approved = approvals.stream().filter(a -> !a.alreadyTrusted()).count();
        System.out.println("Feature " + feature.feature() + ": " + approved + " bundles approved, "
                + (approvals.size() - approved) + " trusted already; install it with feature:install " + name.strip());
        return null;
    }
}
