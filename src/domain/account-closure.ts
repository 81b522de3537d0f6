// An account closure (销户) as a table. `awaiting_penalty`: the customer confirmed a penalty (违约金) above zero and
// has not paid it yet; `requested`: paid (or nothing to pay), in the agents' queue; `completed`: the line is closed
// at the carrier. The customer may withdraw, and an agent may refuse, before it completes; a paid penalty then
// goes back through the refund path.
export const CLOSURE_STATES = ['awaiting_penalty', 'requested', 'completed', 'withdrawn', 'refused'] as const;
export type ClosureState = (typeof CLOSURE_STATES)[number];

export const CLOSURE_TRANSITIONS: Readonly<Record<ClosureState, readonly ClosureState[]>> = {
  awaiting_penalty: ['requested', 'withdrawn', 'refused'],
  requested: ['completed', 'withdrawn', 'refused'],
  completed: [],
  withdrawn: [],
  refused: [],
};

export const canClosureMove = (from: ClosureState, to: ClosureState): boolean => CLOSURE_TRANSITIONS[from].includes(to);

/** The state a confirmed closure starts in: a penalty is collected before an agent spends time on it. */
export const initialClosureState = (penaltyFen: number): ClosureState => (penaltyFen > 0 ? 'awaiting_penalty' : 'requested');
