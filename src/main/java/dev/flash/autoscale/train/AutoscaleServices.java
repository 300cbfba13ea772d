package dev.flash.autoscale.train;

import dev.flash.autoscale.AutoscaleEnvironment;
import dev.flash.autoscale.CoreBudget;
import dev.flash.autoscale.HpaTeacher;
import dev.flash.autoscale.MoveGuard;
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
    /** Constrains the training environments (null: the operator's cost at a fixed core price). */
    private final CoreBudget budget;
    /** The safety layer every environment's moves pass. */
    private final MoveGuard guard;
    /** Training price of a CPU limit change in steps of allocated cores (0: free). */
    private final double limitChangePrice;
    /** Training environments label each step with HPA's move (behaviour cloning); false: no labels. */
    private final boolean taught;
    /** Training episodes start from the operator's set-up ({@link AutoscaleEnvironment#startAsOperator}). */
    private final boolean operatorStart;

    /** Every service of {@code all}, behind {@link MoveGuard#DEFAULT}. */
    public AutoscaleServices(List<ServiceSpec> all, int episodeSteps) {
        this(ServicePopulation.split(all, ServiceSpec.TRAIN), ServicePopulation.split(all, ServiceSpec.TEST),
                episodeSteps, null, MoveGuard.DEFAULT, 0, false, false);
    }

    private AutoscaleServices(List<ServiceSpec> train, List<ServiceSpec> test, int episodeSteps, CoreBudget budget,
                              MoveGuard guard, double limitChangePrice, boolean taught, boolean operatorStart) {
        this.train = train;
        this.test = test;
        this.episodeSteps = episodeSteps;
        this.budget = budget;
        this.guard = guard;
        this.limitChangePrice = limitChangePrice;
        this.taught = taught;
        this.operatorStart = operatorStart;
    }

    /** The same services, every environment's moves behind {@code g}. */
    public AutoscaleServices guardedBy(MoveGuard g) {
        return new AutoscaleServices(train, test, episodeSteps, budget, g, limitChangePrice, taught, operatorStart);
    }

    public MoveGuard guard() {
        return guard;
    }

    /**
     * The same services whose training environments run HPA beside the agent and price cores by
     * {@code b} ({@link AutoscaleEnvironment#constrainWith}); held-out ones keep the operator's cost.
     */
    public AutoscaleServices constrainTrainingWith(CoreBudget b) {
        return new AutoscaleServices(train, test, episodeSteps, b, guard, limitChangePrice, taught, operatorStart);
    }

    /** The same services whose training environments price CPU limit changes ({@link AutoscaleEnvironment#priceLimitChanges}). */
    public AutoscaleServices pricingLimitChanges(double steps) {
        return new AutoscaleServices(train, test, episodeSteps, budget, guard, steps, taught, operatorStart);
    }

    /**
     * The same services whose training environments label every step with the move HPA would make
     * there ({@link AutoscaleEnvironment#teachWith}, {@link HpaTeacher.Mapping#DIRECTION}): behaviour
     * cloning's labels.
     */
    public AutoscaleServices taughtByHpa() {
        return new AutoscaleServices(train, test, episodeSteps, budget, guard, limitChangePrice, true, operatorStart);
    }

    /** The same services whose training episodes start from the operator's set-up, as the evaluation does. */
    public AutoscaleServices startingAsOperator() {
        return new AutoscaleServices(train, test, episodeSteps, budget, guard, limitChangePrice, taught, true);
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
        AutoscaleEnvironment env = new AutoscaleEnvironment(services(split).get(index), null, episodeSteps, seed);
        env.guardWith(guard);
        if (budget != null && split == Split.TRAIN) {
            env.constrainWith(budget);
        }
        if (split == Split.TRAIN) {
            env.priceLimitChanges(limitChangePrice);
            if (taught) {
                env.teachWith(HpaTeacher.Mapping.DIRECTION);
            }
            if (operatorStart) {
                env.startAsOperator();
            }
        }
        return env;
    }
}
