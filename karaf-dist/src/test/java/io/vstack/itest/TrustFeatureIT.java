package io.vstack.itest;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Feature {@code vstack-trust} installs alone into a fresh container. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustFeatureIT extends SingleFeatureTestSupport {

    @Override
    protected String feature() {
        return "vstack-trust";
    }
}
