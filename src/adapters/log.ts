// Log configuration shared by every process. Personal data never reaches a log line: phones, resident IDs,
// bearer tokens and sign-in codes are censored wherever they appear in a logged object (two levels deep,
// which covers `{ body: { phone } }` and `{ req: { headers: { authorization } } }`), and the request id
// is added to every line written while a request or an outbox delivery runs.
import type { LoggerOptions } from 'pino';
import { requestIdMixin } from './request-context.ts';

const SENSITIVE = ['phone', 'contactPhone', 'contact_phone', 'residentId', 'token', 'authorization', 'password', 'otp', 'code_hash', 'idHash', 'id_hash'];

export const REDACT_PATHS = [
  ...SENSITIVE,
  ...SENSITIVE.map((k) => `*.${k}`),
  ...SENSITIVE.map((k) => `*.*.${k}`),
];

export function logOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, mixin: requestIdMixin };
}
