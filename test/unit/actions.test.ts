/**
 * The state machine of actions (rules/actions.ts) against api.md's action
 * table: every action in every state, by whoever may take it, and by every
 * kind of actor out of scope — who must learn nothing about the state.
 */
import type { Actor } from '../../contracts/actor';
import { ACTION_NAMES, allowedActions, judgeAction, type ActionName, type RequestView } from '../../rules/actions';

const NOW = new Date('2026-11-27T07:00:00Z');
const GROUP = 'technical_support';

const staff = (role: Actor['role'], agentId: string | null = null, extra: Partial<Actor> = {}): Actor => ({
  kind: 'staff',
  role,
  agentId,
  lead: false,
  group: agentId ? GROUP : null,
  recordedFrom: null,
  ...extra,
});

const ASSIGNEE = staff('agent', 'A-ASSIGNEE');
const LEAD = staff('agent', 'A-LEAD', { lead: true });
const OTHER_GROUP_LEAD = staff('agent', 'A-LEAD-2', { lead: true, group: 'complaints' });
const COLLEAGUE = staff('agent', 'A-COLLEAGUE');
const CO_HANDLER = staff('agent', 'A-CO');
const REVIEWER = staff('agent', 'A-REVIEWER');
const REPRESENTATIVE = staff('intake');
const SUPERVISOR = staff('supervisor');
const ADMIN = staff('admin');
const CUSTOMER: Actor = { kind: 'customer', role: 'customer', agentId: null, lead: false, group: null, recordedFrom: null };
const recording = (actor: Actor): Actor => ({ ...actor, recordedFrom: 'phone' });

function view(change: Partial<RequestView> = {}): RequestView {
  return {
    stage: 'assigned',
    subStage: null,
    status: 'open',
    type: 'fault',
    complexity: 'complex',
    assignee: { id: 'A-ASSIGNEE', group: GROUP },
    group: GROUP,
    firstResponded: true,
    firstContactRated: false,
    temporaryMeasureRecorded: false,
    tasks: [{ id: 'T1', ownerId: 'A-CO', accepted: false, completed: false }],
    reviews: [{ area: 'technical', agentId: 'A-REVIEWER', approved: null }],
    complaintReviewOwed: false,
    executionDueAt: '2026-11-28T07:00:00Z',
    ...change,
  };
}

/** One request in each state of these stages. */
const STATES: Record<string, RequestView> = {
  received: view({ stage: 'received', assignee: null, firstResponded: false }),
  assigned: view({ stage: 'assigned', firstResponded: false }),
  'analysis (simple)': view({ stage: 'analysis', complexity: 'simple' }),
  'analysis (complex)': view({ stage: 'analysis' }),
  awaiting_confirmation: view({ stage: 'awaiting_confirmation' }),
  'solution_design/drafting': view({ stage: 'solution_design', subStage: 'drafting' }),
  'solution_design/in_review': view({ stage: 'solution_design', subStage: 'in_review' }),
  'solution_design/presented': view({ stage: 'solution_design', subStage: 'presented' }),
  'in_progress/working': view({ stage: 'in_progress', subStage: 'working' }),
  'in_progress/waiting_on_customer': view({ stage: 'in_progress', subStage: 'waiting_on_customer' }),
  awaiting_acceptance: view({ stage: 'awaiting_acceptance', tasks: [{ id: 'T1', ownerId: 'A-CO', accepted: true, completed: true }] }),
  rework: view({ stage: 'rework' }),
  'follow_up/awaiting_feedback': view({ stage: 'follow_up', subStage: 'awaiting_feedback' }),
  'follow_up/intervention': view({ stage: 'follow_up', subStage: 'intervention' }),
  'closed (complaint, review owed)': view({ stage: 'closed', status: 'completed', type: 'complaint', complaintReviewOwed: true }),
};

/** Per action: someone in scope, the target it names, and the states that admit it (api.md's table). */
const TABLE: Record<ActionName, { by: Actor; target?: { taskId?: string; area?: string }; states: string[] }> = {
  acknowledge: { by: ASSIGNEE, states: ['assigned'] },
  'temporary-measure': { by: ASSIGNEE, states: [] }, // emergencies only: see below
  resolve: { by: ASSIGNEE, states: ['analysis (simple)'] },
  reclassify: { by: ASSIGNEE, states: ['analysis (simple)'] },
  'requirement-sheet': { by: ASSIGNEE, states: ['analysis (complex)'] },
  confirm: { by: CUSTOMER, states: ['awaiting_confirmation'] },
  'request-changes': { by: CUSTOMER, states: ['awaiting_confirmation'] },
  solution: { by: ASSIGNEE, states: ['solution_design/drafting'] },
  review: { by: REVIEWER, target: { area: 'technical' }, states: ['solution_design/in_review'] },
  'agree-solution': { by: CUSTOMER, states: ['solution_design/presented'] },
  'revise-solution': { by: CUSTOMER, states: ['solution_design/presented'] },
  'accept-task': { by: CO_HANDLER, target: { taskId: 'T1' }, states: ['in_progress/working', 'in_progress/waiting_on_customer', 'rework'] },
  'complete-task': { by: CO_HANDLER, target: { taskId: 'T1' }, states: ['in_progress/working', 'in_progress/waiting_on_customer', 'rework'] },
  progress: { by: ASSIGNEE, states: ['in_progress/working', 'in_progress/waiting_on_customer', 'rework'] },
  delay: { by: ASSIGNEE, states: ['in_progress/working', 'in_progress/waiting_on_customer'] },
  'wait-for-customer': { by: ASSIGNEE, states: ['in_progress/working'] },
  resume: { by: CUSTOMER, states: ['in_progress/waiting_on_customer'] },
  delivery: { by: ASSIGNEE, states: ['awaiting_acceptance'].filter(() => false) }, // needs every task completed: see below
  accept: { by: CUSTOMER, states: ['awaiting_acceptance'] },
  reject: { by: CUSTOMER, states: ['awaiting_acceptance'] },
  callback: { by: REPRESENTATIVE, states: ['follow_up/awaiting_feedback'] },
  survey: { by: CUSTOMER, states: ['follow_up/awaiting_feedback'] },
  'rate-first-contact': {
    by: CUSTOMER,
    states: Object.keys(STATES).filter((s) => !['received', 'assigned', 'closed (complaint, review owed)'].includes(s)),
  },
  intervention: { by: SUPERVISOR, states: ['follow_up/intervention'] },
  'root-cause': { by: SUPERVISOR, states: ['closed (complaint, review owed)'] },
  reassign: { by: SUPERVISOR, states: Object.keys(STATES).filter((s) => s !== 'closed (complaint, review owed)') },
  cancel: { by: CUSTOMER, states: Object.keys(STATES).filter((s) => s !== 'closed (complaint, review owed)') },
};

describe('every action in every state, taken by someone in scope', () => {
  for (const action of ACTION_NAMES) {
    const { by, target, states } = TABLE[action];
    it(`${action}: allowed only in ${states.join(', ') || 'none of these plain states'}`, () => {
      const allowedIn = Object.entries(STATES)
        .filter(([, state]) => judgeAction(action, by, state, NOW, target).allowed)
        .map(([name]) => name);
      expect(allowedIn).toEqual(states);
      for (const [name, state] of Object.entries(STATES)) {
        const verdict = judgeAction(action, by, state, NOW, target);
        // Before assignment nobody is the assignee: that is scope, not state.
        const failure = by === ASSIGNEE && state.assignee === null ? 'Forbidden' : 'InvalidTransition';
        if (!states.includes(name)) expect({ name, verdict }).toEqual({ name, verdict: expect.objectContaining({ allowed: false, failure }) });
      }
    });
  }

  it('temporary-measure: open emergencies only, and once', () => {
    const emergency = view({ complexity: 'emergency' });
    expect(judgeAction('temporary-measure', ASSIGNEE, emergency, NOW).allowed).toBe(true);
    expect(judgeAction('temporary-measure', ASSIGNEE, { ...emergency, stage: 'solution_design', subStage: 'drafting' }, NOW).allowed).toBe(true);
    expect(judgeAction('temporary-measure', ASSIGNEE, { ...emergency, temporaryMeasureRecorded: true }, NOW)).toMatchObject({ failure: 'InvalidTransition' });
    expect(judgeAction('temporary-measure', ASSIGNEE, { ...emergency, status: 'cancelled', stage: 'closed' }, NOW)).toMatchObject({ failure: 'InvalidTransition' });
    expect(judgeAction('temporary-measure', ASSIGNEE, view(), NOW)).toMatchObject({ failure: 'InvalidTransition' });
  });

  it('resolve and reclassify: also straight from assigned for a simple request; a suggestion cannot be reclassified', () => {
    const simpleAssigned = view({ complexity: 'simple', firstResponded: false });
    expect(judgeAction('resolve', ASSIGNEE, simpleAssigned, NOW).allowed).toBe(true);
    expect(judgeAction('reclassify', ASSIGNEE, simpleAssigned, NOW).allowed).toBe(true);
    const suggestion = view({ stage: 'analysis', complexity: 'simple', type: 'suggestion' });
    expect(judgeAction('resolve', ASSIGNEE, suggestion, NOW).allowed).toBe(true);
    expect(judgeAction('reclassify', ASSIGNEE, suggestion, NOW)).toMatchObject({ failure: 'InvalidTransition' });
  });

  it('delivery: in progress or rework, and only with every task completed', () => {
    const done = [{ id: 'T1', ownerId: 'A-CO', accepted: true, completed: true }];
    for (const state of [STATES['in_progress/working']!, STATES.rework!]) {
      expect(judgeAction('delivery', ASSIGNEE, state, NOW)).toMatchObject({ failure: 'InvalidTransition' });
      expect(judgeAction('delivery', ASSIGNEE, { ...state, tasks: done }, NOW).allowed).toBe(true);
      expect(judgeAction('delivery', ASSIGNEE, { ...state, tasks: [] }, NOW).allowed).toBe(true);
    }
  });

  it('delay: only before the execution deadline has passed', () => {
    const working = STATES['in_progress/working']!;
    expect(judgeAction('delay', ASSIGNEE, { ...working, executionDueAt: '2026-11-27T07:00:00.001Z' }, NOW).allowed).toBe(true);
    expect(judgeAction('delay', ASSIGNEE, { ...working, executionDueAt: '2026-11-27T07:00:00.000Z' }, NOW)).toMatchObject({ failure: 'InvalidTransition' });
  });

  it('tasks and reviews: a task accepted or completed once, a review area answered once', () => {
    const working = STATES['in_progress/working']!;
    const accepted = { ...working, tasks: [{ id: 'T1', ownerId: 'A-CO', accepted: true, completed: false }] };
    expect(judgeAction('accept-task', CO_HANDLER, accepted, NOW, { taskId: 'T1' })).toMatchObject({ failure: 'InvalidTransition' });
    expect(judgeAction('complete-task', CO_HANDLER, accepted, NOW, { taskId: 'T1' }).allowed).toBe(true);
    expect(judgeAction('accept-task', CO_HANDLER, working, NOW, { taskId: 'T9' })).toMatchObject({ failure: 'Forbidden' });
    const answered = { ...STATES['solution_design/in_review']!, reviews: [{ area: 'technical', agentId: 'A-REVIEWER', approved: true }] };
    expect(judgeAction('review', REVIEWER, answered, NOW, { area: 'technical' })).toMatchObject({ failure: 'InvalidTransition' });
  });

  it('rate-first-contact: once, after the first response, while open', () => {
    const analysis = STATES['analysis (complex)']!;
    expect(judgeAction('rate-first-contact', CUSTOMER, { ...analysis, firstContactRated: true }, NOW)).toMatchObject({ failure: 'InvalidTransition' });
    expect(judgeAction('rate-first-contact', CUSTOMER, { ...analysis, firstResponded: false }, NOW)).toMatchObject({ failure: 'InvalidTransition' });
  });
});

describe('scope: who may take each action (api.md), judged before state', () => {
  const EVERYONE = { ASSIGNEE, LEAD, OTHER_GROUP_LEAD, COLLEAGUE, CO_HANDLER, REVIEWER, REPRESENTATIVE, SUPERVISOR, ADMIN, CUSTOMER };
  type Who = keyof typeof EVERYONE;
  const RECORDERS: Who[] = ['ASSIGNEE', 'LEAD', 'REPRESENTATIVE', 'SUPERVISOR', 'ADMIN'];

  /** Per action: who is in scope acting for themselves; for customer actions, who may record it for the customer. */
  const SCOPE: Record<ActionName, { own: Who[]; recordedBy?: Who[] }> = {
    acknowledge: { own: ['ASSIGNEE'] },
    'temporary-measure': { own: ['ASSIGNEE'] },
    resolve: { own: ['ASSIGNEE'] },
    reclassify: { own: ['ASSIGNEE', 'LEAD'] },
    'requirement-sheet': { own: ['ASSIGNEE', 'LEAD'] },
    confirm: { own: ['CUSTOMER'], recordedBy: RECORDERS },
    'request-changes': { own: ['CUSTOMER'], recordedBy: RECORDERS },
    solution: { own: ['ASSIGNEE'] },
    review: { own: ['REVIEWER', 'SUPERVISOR', 'ADMIN'] },
    'agree-solution': { own: ['CUSTOMER'], recordedBy: RECORDERS },
    'revise-solution': { own: ['CUSTOMER'], recordedBy: RECORDERS },
    'accept-task': { own: ['CO_HANDLER'] },
    'complete-task': { own: ['CO_HANDLER'] },
    progress: { own: ['ASSIGNEE'] },
    delay: { own: ['ASSIGNEE'] },
    'wait-for-customer': { own: ['ASSIGNEE'] },
    resume: { own: ['ASSIGNEE', 'CUSTOMER'], recordedBy: RECORDERS },
    delivery: { own: ['ASSIGNEE'] },
    accept: { own: ['CUSTOMER'], recordedBy: RECORDERS },
    reject: { own: ['CUSTOMER'], recordedBy: RECORDERS },
    callback: { own: ['REPRESENTATIVE', 'SUPERVISOR', 'ADMIN'] },
    survey: { own: ['CUSTOMER'], recordedBy: ['LEAD', 'REPRESENTATIVE', 'SUPERVISOR', 'ADMIN'] },
    'rate-first-contact': { own: ['CUSTOMER'], recordedBy: RECORDERS },
    intervention: { own: ['SUPERVISOR', 'ADMIN'] },
    'root-cause': { own: ['SUPERVISOR', 'ADMIN'] },
    reassign: { own: ['SUPERVISOR', 'ADMIN', 'LEAD'] },
    cancel: { own: ['CUSTOMER', 'SUPERVISOR', 'ADMIN'], recordedBy: RECORDERS },
  };

  for (const action of ACTION_NAMES) {
    const { own, recordedBy = [] } = SCOPE[action];
    const { target, states } = TABLE[action];
    // A state that admits the action, with someone assigned (the assignee's scope needs one).
    const admitting =
      action === 'temporary-measure'
        ? view({ complexity: 'emergency' })
        : action === 'delivery'
          ? { ...STATES.rework!, tasks: [] }
          : STATES[states.find((name) => STATES[name]!.assignee !== null)!]!;

    it(`${action}: ${own.join(', ')} for themselves${recordedBy.length ? `; recorded by ${recordedBy.join(', ')}` : ''}`, () => {
      for (const [who, actor] of Object.entries(EVERYONE) as [Who, Actor][]) {
        expect({ who, allowed: judgeAction(action, actor, admitting, NOW, target).allowed }).toEqual({ who, allowed: own.includes(who) });
        if (actor.kind === 'staff') {
          const recorded = judgeAction(action, recording(actor), admitting, NOW, target).allowed;
          expect({ who, recorded }).toEqual({ who, recorded: recordedBy.includes(who) });
        }
      }
    });

    it(`${action}: out of scope is Forbidden in every state, never InvalidTransition`, () => {
      // A lead or supervisor records a temporary measure while nobody is assigned (tested below).
      const whileUnassigned: Who[] = action === 'temporary-measure' ? ['LEAD', 'SUPERVISOR', 'ADMIN'] : [];
      const outsiders = (Object.keys(EVERYONE) as Who[]).filter((who) => !own.includes(who) && who !== 'CUSTOMER' && !whileUnassigned.includes(who));
      for (const who of outsiders) {
        for (const state of Object.values(STATES)) {
          const verdict = judgeAction(action, EVERYONE[who], state, NOW, target);
          if (!verdict.allowed) expect({ who, failure: verdict.failure }).toEqual({ who, failure: 'Forbidden' });
        }
      }
    });
  }

  it('a lead acts on their own group’s requests only', () => {
    expect(judgeAction('reassign', LEAD, STATES.assigned!, NOW).allowed).toBe(true);
    expect(judgeAction('reassign', OTHER_GROUP_LEAD, STATES.assigned!, NOW)).toMatchObject({ failure: 'Forbidden' });
  });

  it('a temporary measure by the lead or a supervisor only while nobody is assigned', () => {
    const unassigned = view({ stage: 'received', assignee: null, complexity: 'emergency', firstResponded: false });
    expect(judgeAction('temporary-measure', LEAD, unassigned, NOW).allowed).toBe(true);
    expect(judgeAction('temporary-measure', SUPERVISOR, unassigned, NOW).allowed).toBe(true);
    expect(judgeAction('temporary-measure', LEAD, view({ complexity: 'emergency' }), NOW)).toMatchObject({ failure: 'Forbidden' });
  });
});

describe('allowedActions: what a 409 lists', () => {
  it('lists what the assignee may do in analysis of a simple request', () => {
    expect(allowedActions(ASSIGNEE, STATES['analysis (simple)']!, NOW)).toEqual(['resolve', 'reclassify']);
  });

  it('lists a co-handler’s task actions while a task of theirs is open', () => {
    expect(allowedActions(CO_HANDLER, STATES['in_progress/working']!, NOW)).toEqual(['accept-task', 'complete-task']);
  });

  it('lists the customer’s choices on a presented solution', () => {
    expect(allowedActions(CUSTOMER, STATES['solution_design/presented']!, NOW)).toEqual(['agree-solution', 'revise-solution', 'rate-first-contact', 'cancel']);
  });

  it('lists nothing for someone without scope', () => {
    expect(allowedActions(COLLEAGUE, STATES.assigned!, NOW)).toEqual([]);
  });
});
