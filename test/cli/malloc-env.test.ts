import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MALLOC_ENV_LINE } from '../../src/cli/malloc-env.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe("the server's malloc settings", () => {
  it('are what the systemd units start serve and worker processes with', () => {
    for (const unit of ['deploy/systemd/haoka-serve@.service', 'deploy/systemd/haoka-worker@.service']) {
      expect(read(unit).split('\n')).toContain(`Environment=${MALLOC_ENV_LINE}`);
    }
  });

  it('are what `npm start` starts the server with', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
    expect(start.startsWith(`${MALLOC_ENV_LINE} node `)).toBe(true);
  });
});
