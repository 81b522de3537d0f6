// The fake's key pairs: its own "platform" pair (it signs answers and notifications with the private half; the
// merchant is given the public half and its id, as a real merchant downloads pub_key.pem from the merchant
// platform), and, in demo, the demo merchant's pair. Generated at first start and kept with the simulator state
// (HAOKA_SIM_STATE_DIR), so that a restart keeps the keys the other side was given.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PemPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Without a state directory, one pair per name for the life of the process (tests and throw-away demos). */
const inMemory = new Map<string, PemPair>();

export function keyPair(stateDir: string | null, name: string): PemPair {
  if (!stateDir) {
    let p = inMemory.get(name);
    if (!p) inMemory.set(name, (p = generate()));
    return p;
  }
  const file = join(stateDir, `${name}.key.pem`);
  if (!existsSync(file)) {
    // Several processes may start together on one state directory: the first link wins, the others read its key.
    mkdirSync(stateDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, generate().privateKeyPem, { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
  const privateKeyPem = readFileSync(file, 'utf8');
  return { privateKeyPem, publicKeyPem: createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString() };
}

function generate(): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
