package io.vstack.cache.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HillClimberTest {

    @Test
    void holdsTheValueUntilASamplePeriodHasPassed() {
        HillClimber climber = new HillClimber(1000, 0, 500, 100);
        assertEquals(200, climber.climb(999, 500, 200));
        assertEquals(200, climber.climb(1000, 500, 200), "the first sample only sets the reference hit rate");
        assertEquals(200, climber.climb(1999, 500, 200));
    }

    @Test
    void stepsTheWayThatRaisedTheHitRateAndTurnsBackWhenItFalls() {
        HillClimber climber = new HillClimber(1000, 0, 500, 100);
        int value = climber.climb(1000, 500, 200);             // hit rate 50%
        value = climber.climb(2000, 900, value);               // 60%: a jump of 10 points, full step up
        assertEquals(300, value);
        value = climber.climb(3000, 1290, value);              // 61%: up again; the step decays to 90
        assertEquals(400, value);
        value = climber.climb(4000, 1700, value);              // 59%: turn back by 90
        assertEquals(310, value);
    }

    @Test
    void staysInItsRange() {
        HillClimber climber = new HillClimber(1000, 10, 250, 100);
        int value = climber.climb(1000, 500, 200);
        value = climber.climb(2000, 900, value);               // 60%: up by 100, held at the top
        assertEquals(250, value);
        value = climber.climb(3000, 1800, value);              // 10%: a fall, turn back by 100
        assertEquals(150, value);
        value = climber.climb(4000, 2700, value);              // 10% again: keep going down
        assertEquals(50, value);
        value = climber.climb(5000, 3600, value);              // and down by 90, held at the bottom
        assertEquals(10, value);
    }
}
