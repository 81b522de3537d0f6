// Terms as sold (English): what an order keeps from its plan when it is placed, and why an unactivated card goes back.
import type { zhTerms } from './zh-terms.ts';

export const enTerms: Record<keyof typeof zhTerms, string> = {
  'terms.title': 'Terms as sold',
  'terms.lead': 'The plan\u2019s terms when you ordered. Later changes to the plan\u2019s rules apply to new orders only, not to this one.',
  'terms.planPrice': 'Plan price',
  'terms.monthly': 'Monthly fee',
  'terms.contract': 'Contract',
  'terms.penalty': 'Early-termination penalty',
  'terms.penalty.none': 'No contract, so closing the account costs nothing',
  'terms.penalty.fixed': '{amount} if closed inside the contract',
  'terms.penalty.share': '{percent}% of the monthly fees still due',
  'terms.window': 'Activation window',
  'terms.trial': 'Trial',
  'return.reason': 'Why are you returning the card?',
  'return.reasonMissing': 'Please pick a reason for the return',
  'return.reasonText': 'More detail (optional; needed for "Other")',
  'return.yourReason': 'Reason: {reason}',
  'ret.reason': 'Reason',
  'trail.why.returnReason': 'Returned because: {reason}',
};
