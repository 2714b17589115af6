import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared sample files written by others (`shared/samples`, beside the repository on these
 * machines). Found through SAMPLES_DIR, else next to the checkout (`../shared/samples`), else at
 * the workplace's fixed location, so a clone anywhere on the machine finds them too.
 */
export const SHARED_SAMPLES: string = (() => {
  const candidates = [
    process.env.SAMPLES_DIR,
    path.resolve(REPO, '../shared/samples'),
    '/work/shared/samples',
  ].filter((c): c is string => Boolean(c));
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[1]!;
})();
