// The answer language: asked for explicitly (?lang=), else the browser's Accept-Language, else Chinese.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FAQ_LANGS, type FaqLang } from '../../domain/faq.ts';

export const langParam = z.enum(FAQ_LANGS).optional().describe('zh-CN (default) or en');

export function langOf(req: FastifyRequest, asked: FaqLang | undefined): FaqLang {
  if (asked) return asked;
  const h = req.headers['accept-language'];
  return typeof h === 'string' && /^\s*en\b/i.test(h) ? 'en' : 'zh-CN';
}
