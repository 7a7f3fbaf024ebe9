// One object at a time over git's protocol v2 `fetch`: `want <id>` with the filter `tree:0`, which leaves
// out every tree and blob the wanted object leads to (objects asked for by name are always sent), and
// `deepen 1` for a commit, which leaves out its history. The answer's packfile section is read from its
// sideband and parsed here (gitPack.ts); nothing else the server sends is used.
import { isCommit } from '../engine/factShapes';
import type { GitRefsClient } from './gitRefs';
import { BadPack, type GitObject, type GitObjectType, type PackLimits, readPack } from './gitPack';
import { pkt, readPackets } from './gitPktLine';
import { OnlineError } from './transport';

export interface FetchLimits extends PackLimits {
  /** The whole answer of one fetch, framing included. */
  maxResponseBytes: number;
}

/** The fetch request for one object. */
export function fetchRequest(id: string, type: GitObjectType): string {
  const lines = ['no-progress\n', 'ofs-delta\n', `want ${id}\n`];
  if (type === 'commit') lines.push('deepen 1\n');
  if (type !== 'blob') lines.push('filter tree:0\n');
  lines.push('done\n');
  return [pkt('command=fetch\n'), pkt('agent=workflow-provenance\n'), '0001', ...lines.map(pkt), '0000'].join('');
}

/** Text from a server, fit to show: printable ASCII, one line, bounded. */
function serverText(raw: string): string {
  const clean = raw.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/** An `ERR` packet, as the error it reports: an object the server does not have is `not-found`. */
function serverError(what: string, message: string): OnlineError {
  const text = serverText(message);
  if (/not our ref/.test(text)) return new OnlineError('not-found', `${what} does not hold ${text.split(' ').pop()}`);
  return new OnlineError('bad-response', `the git server said "${text}"`);
}

const SECTIONS = new Set(['acknowledgments', 'shallow-info', 'wanted-refs', 'packfile-uris', 'packfile']);

/** The pack carried by a protocol v2 fetch answer: the `packfile` section's band 1, demultiplexed. */
export function packOfAnswer(body: Buffer, what: string): Buffer {
  const chunks: Buffer[] = [];
  let section: string | undefined;
  let sawPack = false;
  for (const packet of readPackets(body, 'the fetch answer')) {
    if (typeof packet === 'string') {
      if (section === 'packfile') return Buffer.concat(chunks);
      section = undefined;
      continue;
    }
    if (section === undefined) {
      const line = packet.toString('utf8');
      if (line.startsWith('ERR ')) throw serverError(what, line.slice(4));
      section = line.replace(/\n$/, '');
      if (!SECTIONS.has(section))
        throw new OnlineError('bad-response', `unexpected section "${serverText(section)}" in the fetch answer`);
      // A pack offered as a URL elsewhere is not fetched: it would be another host the user did not name.
      if (section === 'packfile-uris')
        throw new OnlineError('bad-response', 'the git server offers the pack at another URL');
      sawPack ||= section === 'packfile';
      continue;
    }
    if (section !== 'packfile') {
      if (packet.toString('utf8').startsWith('ERR ')) throw serverError(what, packet.toString('utf8').slice(4));
      continue;
    }
    const band = packet[0];
    if (band === 1) chunks.push(packet.subarray(1));
    else if (band === 3) throw serverError(what, packet.subarray(1).toString('utf8'));
    else if (band !== 2) throw new OnlineError('bad-response', 'malformed sideband in the fetch answer');
  }
  throw new OnlineError(
    'bad-response',
    sawPack ? 'the fetch answer ends inside its pack' : 'the git server sent no pack',
  );
}

/** Object `id` of `owner/repo`, which must be of `type`; the pack is checked and the object's id recomputed. */
export async function fetchObject(
  git: GitRefsClient,
  owner: string,
  repo: string,
  id: string,
  type: GitObjectType,
  limits: FetchLimits,
): Promise<GitObject> {
  const what = `${owner}/${repo}`;
  if (!isCommit(id)) throw new OnlineError('bad-response', `"${serverText(id)}" is not an object id`);
  const answer = await git.command(owner, repo, fetchRequest(id, type), limits.maxResponseBytes);
  let objects: Map<string, GitObject>;
  try {
    objects = readPack(packOfAnswer(answer, what), limits);
  } catch (error) {
    if (error instanceof BadPack) throw new OnlineError('bad-response', error.message);
    throw error;
  }
  const object = objects.get(id);
  if (!object) throw new OnlineError('bad-response', `the git server's pack does not hold ${id}`);
  if (object.type !== type) throw new OnlineError('bad-response', `${id} is a ${object.type}, not a ${type}`);
  return object;
}
