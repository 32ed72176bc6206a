/**
 * The default priority rule of process.md ("The request record"):
 * P1 if urgency is urgent, complexity is emergency, or a complaint comes from
 * an anxious or dissatisfied customer; else P2 if the customer is VIP, the
 * type is complaint or fault, or the emotion is anxious or dissatisfied;
 * else P3.
 */
import { derivePriority, type PriorityFacts } from '../../rules/priority';
import { Complexity, CustomerTier, Emotion, RequestType, Urgency, type Priority } from '../../contracts/request';

/** A calm standard customer's normal, simple consultation: the baseline that is P3. */
const routine: PriorityFacts = {
  urgency: 'normal',
  complexity: 'simple',
  type: 'consultation',
  emotion: 'calm',
  tier: 'standard',
};

const facts = (change: Partial<PriorityFacts>): PriorityFacts => ({ ...routine, ...change });

describe('the default priority rule', () => {
  describe("the standards' two sample records", () => {
    it('makes an anxious customer’s after-sales complaint (a washing machine leaking three days after purchase) P1', () => {
      expect(
        derivePriority({ type: 'complaint', emotion: 'anxious', urgency: 'normal', complexity: 'complex', tier: 'standard' }),
      ).toBe('P1');
    });

    it('makes a calm customer’s product consultation (an air conditioner’s energy class and installation fee) P3', () => {
      expect(
        derivePriority({ type: 'consultation', emotion: 'calm', urgency: 'normal', complexity: 'simple', tier: 'standard' }),
      ).toBe('P3');
    });
  });

  describe('P1 clauses', () => {
    it('makes an urgent request P1 whatever else it is', () => {
      expect(derivePriority(facts({ urgency: 'urgent' }))).toBe('P1');
      expect(derivePriority(facts({ urgency: 'urgent', type: 'suggestion' }))).toBe('P1');
      expect(derivePriority(facts({ urgency: 'urgent', complexity: 'complex', type: 'after_sales' }))).toBe('P1');
    });

    it('makes an emergency P1 even from a calm standard customer', () => {
      expect(derivePriority(facts({ complexity: 'emergency' }))).toBe('P1');
      expect(derivePriority(facts({ complexity: 'emergency', type: 'fault' }))).toBe('P1');
    });

    it('makes a complaint from an anxious customer P1', () => {
      expect(derivePriority(facts({ type: 'complaint', emotion: 'anxious' }))).toBe('P1');
    });

    it('makes a complaint from a dissatisfied customer P1', () => {
      expect(derivePriority(facts({ type: 'complaint', emotion: 'dissatisfied' }))).toBe('P1');
    });

    it('does not make an upset customer P1 when the request is not a complaint', () => {
      for (const type of ['consultation', 'suggestion', 'after_sales', 'fault'] as const) {
        expect(derivePriority(facts({ type, emotion: 'anxious' }))).toBe('P2');
        expect(derivePriority(facts({ type, emotion: 'dissatisfied' }))).toBe('P2');
      }
    });
  });

  describe('P2 clauses', () => {
    it('makes a VIP customer’s routine request P2', () => {
      expect(derivePriority(facts({ tier: 'vip' }))).toBe('P2');
      expect(derivePriority(facts({ tier: 'vip', type: 'suggestion' }))).toBe('P2');
    });

    it('makes a calm customer’s complaint P2', () => {
      expect(derivePriority(facts({ type: 'complaint', emotion: 'calm' }))).toBe('P2');
    });

    it('makes a calm customer’s fault report P2', () => {
      expect(derivePriority(facts({ type: 'fault' }))).toBe('P2');
    });

    it('makes an anxious customer’s consultation P2', () => {
      expect(derivePriority(facts({ emotion: 'anxious' }))).toBe('P2');
    });

    it('makes a dissatisfied customer’s after-sales request P2', () => {
      expect(derivePriority(facts({ type: 'after_sales', emotion: 'dissatisfied' }))).toBe('P2');
    });

    it('does not raise a complex (non-emergency) request by its complexity alone', () => {
      expect(derivePriority(facts({ complexity: 'complex' }))).toBe('P3');
    });
  });

  describe('P3', () => {
    it('keeps calm standard customers’ consultations, suggestions and after-sales requests P3', () => {
      for (const type of ['consultation', 'suggestion', 'after_sales'] as const) {
        for (const complexity of ['simple', 'complex'] as const) {
          expect(derivePriority(facts({ type, complexity }))).toBe('P3');
        }
      }
    });
  });

  describe('VIP and precedence', () => {
    it('does not lift a VIP above P2 by the tier alone', () => {
      expect(derivePriority(facts({ tier: 'vip', type: 'fault', emotion: 'anxious', complexity: 'complex' }))).toBe('P2');
    });

    it('lets a P1 clause win over the VIP tier', () => {
      expect(derivePriority(facts({ tier: 'vip', urgency: 'urgent' }))).toBe('P1');
      expect(derivePriority(facts({ tier: 'vip', complexity: 'emergency' }))).toBe('P1');
      expect(derivePriority(facts({ tier: 'vip', type: 'complaint', emotion: 'dissatisfied' }))).toBe('P1');
    });

    it('lets urgency win over a calm complaint that would otherwise be P2', () => {
      expect(derivePriority(facts({ type: 'complaint', urgency: 'urgent' }))).toBe('P1');
    });
  });

  it('agrees with the rule as process.md words it, for every combination of facts', () => {
    const upset = (e: Emotion): boolean => e === 'anxious' || e === 'dissatisfied';
    const spec = (f: PriorityFacts): Priority => {
      if (f.urgency === 'urgent' || f.complexity === 'emergency' || (f.type === 'complaint' && upset(f.emotion))) return 'P1';
      if (f.tier === 'vip' || f.type === 'complaint' || f.type === 'fault' || upset(f.emotion)) return 'P2';
      return 'P3';
    };
    let combinations = 0;
    const counts: Record<Priority, number> = { P1: 0, P2: 0, P3: 0 };
    for (const urgency of Urgency.options)
      for (const complexity of Complexity.options)
        for (const type of RequestType.options)
          for (const emotion of Emotion.options)
            for (const tier of CustomerTier.options) {
              const f: PriorityFacts = { urgency, complexity, type, emotion, tier };
              const derived = derivePriority(f);
              expect({ facts: f, priority: derived }).toEqual({ facts: f, priority: spec(f) });
              counts[derived] += 1;
              combinations += 1;
            }
    expect(combinations).toBe(2 * 3 * 5 * 3 * 2);
    // Only normal, non-emergency requests can be P2/P3: 2 complexities × 5 types × 3 emotions × 2 tiers = 60.
    // Of those, P3 needs standard tier, calm, and a type other than complaint/fault: 2 × 3 = 6.
    expect(counts.P3).toBe(6);
    // Normal, non-emergency complaints from upset customers: 2 × 2 emotions × 2 tiers = 8 → P1.
    expect(counts.P1).toBe(180 - 60 + 8);
    expect(counts.P2).toBe(60 - 8 - 6);
  });
});
