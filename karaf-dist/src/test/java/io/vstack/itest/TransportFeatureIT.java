package io.vstack.itest;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Feature {@code vstack-transport} installs alone into a fresh container. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportFeatureIT extends SingleFeatureTestSupport {

    @Override
    protected String feature() {
        return "vstack-transport";
    }
}
