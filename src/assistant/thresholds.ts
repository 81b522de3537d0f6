/** Below this intent confidence the assistant does not guess: it hands the conversation to an agent. */
export const HANDOVER_BELOW = 0.35;
