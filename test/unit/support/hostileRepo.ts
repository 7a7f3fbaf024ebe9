// A repository laid out to trap whoever writes a fixed workflow back: a pre-placed temporary-file link
// pointing out of the workflows, a workflow linked to a file inside the repository and one linked outside.
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HostileRepository {
  /** The folder around the repository, holding `somefile` (`precious\n`) and `outside.yml`. */
  base: string;
  repo: string;
  /** `repo/.github/workflows`. */
  workflows: string;
}

/**
 * In `workflows`: `ci.yml` (mode 0640), a pre-placed `ci.yml.workflow-provenance.tmp` linked to
 * `base/somefile`, `shared.yml` linked to `repo/ci/shared.yml` and `outside.yml` linked to
 * `base/outside.yml`. Each real file holds `body(its name without .yml)`.
 */
export function hostileRepository(body: (name: 'ci' | 'shared' | 'outside') => string | Uint8Array): HostileRepository {
  const base = mkdtempSync(join(tmpdir(), 'wp-fix-hostile-'));
  const repo = join(base, 'repo');
  const workflows = join(repo, '.github/workflows');
  mkdirSync(workflows, { recursive: true });
  mkdirSync(join(repo, '.git'));
  mkdirSync(join(repo, 'ci'));
  writeFileSync(join(workflows, 'ci.yml'), body('ci'));
  chmodSync(join(workflows, 'ci.yml'), 0o640);
  writeFileSync(join(base, 'somefile'), 'precious\n');
  symlinkSync('../../../somefile', join(workflows, 'ci.yml.workflow-provenance.tmp'));
  writeFileSync(join(repo, 'ci/shared.yml'), body('shared'));
  symlinkSync('../../ci/shared.yml', join(workflows, 'shared.yml'));
  writeFileSync(join(base, 'outside.yml'), body('outside'));
  symlinkSync('../../../outside.yml', join(workflows, 'outside.yml'));
  return { base, repo, workflows };
}
