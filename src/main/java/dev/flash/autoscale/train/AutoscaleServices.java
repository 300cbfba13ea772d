package dev.flash.autoscale.train;

import dev.flash.autoscale.AutoscaleEnvironment;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.RlEnvironment;
import java.util.List;

/** A services population as the FLASH core's {@link ApplicationSet}: one environment per service. */
public final class AutoscaleServices implements ApplicationSet {

    private final List<ServiceSpec> train;
    private final List<ServiceSpec> test;
    private final int episodeSteps;

    public AutoscaleServices(List<ServiceSpec> all, int episodeSteps) {
        this.train = ServicePopulation.split(all, ServiceSpec.TRAIN);
        this.test = ServicePopulation.split(all, ServiceSpec.TEST);
        this.episodeSteps = episodeSteps;
    }

    public List<ServiceSpec> services(Split split) {
        return split == Split.TRAIN ? train : test;
    }

    @Override
    public int size(Split split) {
        return services(split).size();
    }

    @Override
    public String name(Split split, int index) {
        return services(split).get(index).name();
    }

    @Override
    public RlEnvironment environment(Split split, int index, long seed) {
        return new AutoscaleEnvironment(services(split).get(index), null, episodeSteps, seed);
    }
}
