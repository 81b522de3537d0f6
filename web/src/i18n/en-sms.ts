// Text messages (English): what the sign-in page says when a code did not reach the phone.
import type { zhSms } from './zh-sms.ts';

export const enSms: Record<keyof typeof zhSms, string> = {
  'sms.code.delivered': 'The code reached your phone; check your messages.',
  'sms.code.failed': 'No code? The text could not be delivered ({code}); ask for a new one when the countdown ends.',
  'event.sms.sent': 'Text message sent',
  'event.sms.delivered': 'Text message delivered',
  'event.sms.failed': 'Text message not delivered',
  'trail.actor.sms': 'SMS provider',
  'sms.code.failedNow': 'No code? The text could not be delivered ({code}); ask for a new one.',
};
