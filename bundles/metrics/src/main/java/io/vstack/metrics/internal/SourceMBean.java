package io.vstack.metrics.internal;

import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.metrics.MetricType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.ImmutableDescriptor;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;

/**
 * One metric source as a read-only JMX MBean: an attribute per figure, read from the source at
 * each access (so the values are live, and the attributes follow the source's figures as they
 * come and go). Attribute names are the metric's name, with its labels beyond the source's own
 * in braces ({@code io.ops{op=read}}); a histogram or summary gives {@code .count}, {@code .sum}
 * and its quantiles ({@code .p50}, {@code .p99}...) as separate attributes. Every value is a
 * {@code double}; the description says the type and unit.
 */
final class SourceMBean implements DynamicMBean {

    private static final double[] HISTOGRAM_QUANTILES = {0.5, 0.9, 0.99};

    private final String name;
    private final MetricSource source;

    SourceMBean(String name, MetricSource source) {
        this.name = name;
        this.source = source;
    }

    /** One attribute: its value and its description. */
    private record Figure(double value, String description) {
    }

    /** The attributes now, in the source's order. */
    private Map<String, Figure> figures() throws MBeanException {
        SourceFigures figures;
        try {
            figures = SourceFigures.read(name, source);
        } catch (RuntimeException | LinkageError e) {
            // Only JDK types cross to a remote JMX client.
            throw new MBeanException(new IllegalStateException("metric source " + name + " could not be read: " + e));
        }
        Map<String, Figure> result = new LinkedHashMap<>();
        for (Metric m : figures.metrics()) {
            String labels = ownLabels(m.labels(), figures.labels());
            String description = m.type().name().toLowerCase(Locale.ROOT) + " in " + m.unit();
            if (m.type() == MetricType.COUNTER || m.type() == MetricType.GAUGE) {
                result.put(m.name() + labels, new Figure(m.value(), description));
                continue;
            }
            Distribution d = m.distribution();
            result.put(m.name() + ".count" + labels, new Figure(d.count(), "observations of a " + description));
            result.put(m.name() + ".sum" + labels, new Figure(d.sum(), "sum of the observations of a " + description));
            if (m.type() == MetricType.HISTOGRAM) {
                for (double q : HISTOGRAM_QUANTILES) {
                    result.put(quantileName(m.name(), q) + labels, new Figure(d.quantile(q), "quantile " + q + " of a " + description
                            + " (estimated from its buckets)"));
                }
            } else {
                d.quantiles().forEach(q -> result.put(quantileName(m.name(), q.quantile()) + labels,
                        new Figure(q.value(), "quantile " + q.quantile() + " of a " + description)));
            }
        }
        return result;
    }

    private static String quantileName(String metric, double q) {
        return metric + ".p" + Figures.number(q * 100);
    }

    /** The metric's labels that are not its source's, as {@code {a=1,b=2}}; empty without any. */
    private static String ownLabels(Map<String, String> labels, Map<String, String> sourceLabels) {
        String own = labels.entrySet().stream().filter(e -> !e.getValue().equals(sourceLabels.get(e.getKey())))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        return own.isEmpty() ? "" : "{" + own + "}";
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException, MBeanException {
        Figure figure = figures().get(attribute);
        if (figure == null) {
            throw new AttributeNotFoundException("metric source " + name + " has no figure " + attribute + " now");
        }
        return figure.value();
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        Map<String, Figure> figures;
        try {
            figures = figures();
        } catch (MBeanException e) {
            return list;   // as the JMX contract has it: the attributes that could not be read are left out
        }
        for (String attribute : attributes) {
            Figure figure = figures.get(attribute);
            if (figure != null) {
                list.add(new Attribute(attribute, figure.value()));
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("the figures of metric source " + name + " are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "metric source " + name + " has no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        try {
            figures().forEach((attribute, figure) -> attributes.add(
                    new MBeanAttributeInfo(attribute, "double", figure.description(), true, false, false)));
        } catch (MBeanException e) {
            // A source that cannot be read now shows no attributes until it can.
        }
        return new MBeanInfo(SourceMBean.class.getName(), "vstack metric source " + name + " (figures read at each access)",
                attributes.toArray(MBeanAttributeInfo[]::new), null, null, null, new ImmutableDescriptor("immutableInfo=false"));
    }
}
