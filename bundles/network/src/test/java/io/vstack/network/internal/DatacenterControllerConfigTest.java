package io.vstack.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vstack.api.testing.Configs;
import io.vstack.api.testing.LogLines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad configuration of io.vstack.network changes nothing; a good one applies in place. */
class DatacenterControllerConfigTest {

    @Test
    void aBadValueAtTheFirstStartStartsWithTheDefaults() throws Exception {
        List<String> log = LogLines.warnings(() -> {
            DatacenterController controller = new DatacenterController(
                    Configs.of(DatacenterController.Config.class, "networks", "net0=teleport"));
            assertEquals(Map.of(), controller.networks());
        });
        assertEquals(List.of("io.vstack.network: key 'networks': 'teleport' is not a programmer: eni-move or whitelist; "
                + "configuration refused, starting with the defaults"), log);
    }

    @Test
    void aBadValueChangesNothingAndAGoodOneAppliesInPlace() throws Exception {
        DatacenterController controller = new DatacenterController(
                Configs.of(DatacenterController.Config.class, "networks", "net1=whitelist"));
        controller.createEni("eni-1", "net1");
        List<String> log = LogLines.warnings(() -> controller.configure(
                Configs.of(DatacenterController.Config.class, "networks", "net1=whitelist", "defaultProgrammer", "magic")));
        assertEquals(List.of("io.vstack.network: key 'defaultProgrammer': 'magic' is not a programmer: eni-move or whitelist; "
                + "configuration refused, keeping the previous one"), log);
        assertEquals("whitelist", controller.programmerFor("net1"));
        assertEquals("eni-move", controller.programmerFor("net2"));

        controller.configure(Configs.of(DatacenterController.Config.class, "networks", "net1=eni-move", "defaultProgrammer", "whitelist"));
        assertEquals("eni-move", controller.programmerFor("net1"));
        assertEquals("whitelist", controller.programmerFor("net2"));
        assertEquals(true, controller.eni("eni-1").isPresent(), "the ENIs stay");
    }
}
