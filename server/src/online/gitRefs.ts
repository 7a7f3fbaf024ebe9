// Resolves action refs through git's smart-HTTP protocol, without a git binary: protocol v2
// `ls-refs` (tags and branches only, peeled) where the server speaks it, else the v0 ref advertisement.
import { isFullCommitSha } from '../engine/commitSha';
import { isLoopbackHost } from './addressPolicy';
import { pkt, readPktLines } from './gitPktLine';
import { HttpResponse, OnlineError, Transport } from './transport';

export interface GitRefsOptions {
  /** Default `https://github.com`. */
  baseUrl?: string;
  /** Sent as HTTP Basic password (GitHub's form for tokens over smart HTTP). */
  token?: string;
  /** `auto` uses v2 when the server offers it. Default `auto`. */
  protocol?: 'auto' | 'v0' | 'v2';
  /** Cap for the ref listing. Default 16 MiB. */
  maxBytes?: number;
  transport: Transport;
}

/** One ref: its object id, and for an annotated tag the commit it peels to. */
export interface GitRef {
  name: string;
  oid: string;
  peeled?: string;
}

export class GitRefsClient {
  private readonly baseUrl: string;
  private readonly token?: string;
  private readonly protocol: 'auto' | 'v0' | 'v2';
  private readonly maxBytes: number;
  private readonly transport: Transport;

  constructor(options: GitRefsOptions) {
    this.baseUrl = (options.baseUrl ?? 'https://github.com').replace(/\/+$/, '');
    this.token = options.token;
    this.protocol = options.protocol ?? 'auto';
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.transport = options.transport;
  }

  get base(): string {
    return this.baseUrl;
  }

  /**
   * Branches and tags of `owner/repo`. The advertisement is asked for with `Git-Protocol: version=2`: a v2
   * server answers with its capabilities (then `ls-refs` lists only tags and branches, peeled), while a
   * v0 server ignores the header and sends its ref advertisement, which is used as it is.
   */
  async listRefs(owner: string, repo: string): Promise<GitRef[]> {
    const what = `${owner}/${repo}`;
    const lines = await this.advertisement(owner, repo, this.protocol === 'v0' ? '' : 'version=2');
    if (lines[0] === 'version 2\n') return this.lsRefsV2(owner, repo);
    if (this.protocol === 'v2')
      throw new OnlineError('bad-response', `${what}: the server does not speak git protocol v2`);
    return parseAdvertisementV0(lines, what);
  }

  /**
   * The capabilities a protocol v2 server offers for `owner/repo` (`fetch=shallow filter`, …), one per
   * line; undefined when the server speaks only v0.
   */
  async capabilities(owner: string, repo: string): Promise<string[] | undefined> {
    const lines = await this.advertisement(owner, repo, 'version=2');
    return lines[0] === 'version 2\n' ? lines.slice(1).map((line) => line.replace(/\n$/, '')) : undefined;
  }

  /** The answer to `GET info/refs`: a v2 capability list or a v0 ref advertisement, as text lines. */
  private async advertisement(owner: string, repo: string, protocol: string): Promise<string[]> {
    const what = `${owner}/${repo}`;
    const response = await this.transport.request(`${this.repoUrl(owner, repo)}/info/refs?service=git-upload-pack`, {
      maxBytes: this.maxBytes,
      headers: this.headers(protocol ? { 'Git-Protocol': protocol } : {}),
    });
    checkStatus(response, what);
    if (response.headers.get('content-type') !== 'application/x-git-upload-pack-advertisement') {
      throw new OnlineError(
        'bad-response',
        `${what}: not a smart-HTTP git server (content type ${response.headers.get('content-type') ?? 'none'})`,
      );
    }
    const lines: string[] = [];
    for (const line of readPktLines(response.body, what)) {
      // Some servers put the v0 `# service=` banner (and its flush) before a v2 answer too.
      if (line === null || (lines.length === 0 && line.startsWith('# service='))) continue;
      lines.push(line);
    }
    return lines;
  }

  /**
   * One protocol v2 command (`body` already framed) sent to `owner/repo`'s upload-pack, with the token
   * when one is configured; the answer's body, refused beyond `maxBytes`.
   */
  async command(owner: string, repo: string, body: string, maxBytes: number): Promise<Buffer> {
    const response = await this.transport.request(`${this.repoUrl(owner, repo)}/git-upload-pack`, {
      method: 'POST',
      body,
      maxBytes,
      sameOrigin: true,
      headers: this.headers({
        'Git-Protocol': 'version=2',
        'Content-Type': 'application/x-git-upload-pack-request',
        Accept: 'application/x-git-upload-pack-result',
      }),
    });
    checkStatus(response, `${owner}/${repo}`);
    return response.body;
  }

  private repoUrl(owner: string, repo: string): string {
    return `${this.baseUrl}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}.git`;
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { 'User-Agent': 'git/2.0 (workflow-provenance)', ...extra };
    // Like registry credentials, the token never travels in clear except to this machine.
    const url = new URL(this.baseUrl);
    const safe = url.protocol === 'https:' || isLoopbackHost(url.hostname);
    if (this.token && safe)
      headers.Authorization = `Basic ${Buffer.from(`x-access-token:${this.token}`).toString('base64')}`;
    return headers;
  }

  private async lsRefsV2(owner: string, repo: string): Promise<GitRef[]> {
    const what = `${owner}/${repo}`;
    const body = [
      pkt('command=ls-refs\n'),
      pkt('agent=workflow-provenance\n'),
      '0001',
      pkt('peel\n'),
      pkt('ref-prefix refs/heads/\n'),
      pkt('ref-prefix refs/tags/\n'),
      '0000',
    ].join('');
    const answer = await this.command(owner, repo, body, this.maxBytes);
    const refs: GitRef[] = [];
    for (const line of readPktLines(answer, what)) {
      if (line === null) break;
      const [oid, name, ...attributes] = line.replace(/\n$/, '').split(' ');
      if (!isFullCommitSha(oid) || !name) throw new OnlineError('bad-response', `${what}: malformed ls-refs line`);
      const peeled = attributes.find((a) => a.startsWith('peeled:'))?.slice('peeled:'.length);
      refs.push({ name, oid, ...(peeled && isFullCommitSha(peeled) ? { peeled } : {}) });
    }
    return refs;
  }
}

function parseAdvertisementV0(lines: string[], what: string): GitRef[] {
  const byName = new Map<string, GitRef>();
  for (const line of lines) {
    const text = line.split('\0')[0].replace(/\n$/, '');
    const [oid, name] = text.split(' ');
    if (!isFullCommitSha(oid) || !name) throw new OnlineError('bad-response', `${what}: malformed ref line`);
    // Peeled lines (`refs/tags/x^{}`) follow their tag and give the commit it points at.
    if (name.endsWith('^{}')) {
      const tag = byName.get(name.slice(0, -3));
      if (tag) tag.peeled = oid;
    } else if (name.startsWith('refs/heads/') || name.startsWith('refs/tags/')) {
      byName.set(name, { name, oid });
    }
  }
  return [...byName.values()];
}

function checkStatus(response: HttpResponse, what: string): void {
  if (response.status === 200) return;
  if (response.status === 404) throw new OnlineError('not-found', `repository ${what} not found`, 404);
  if (response.status === 401 || response.status === 403)
    throw new OnlineError('unauthorized', `repository ${what} needs credentials`, response.status);
  throw new OnlineError(
    response.status >= 500 ? 'server-error' : 'bad-response',
    `git server answered ${response.status} for ${what}`,
    response.status,
  );
}

/** The commit a ref leads to: an annotated tag is peeled to its commit. */
export function commitOf(ref: GitRef): string {
  return ref.peeled ?? ref.oid;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/;

/** The most specific version tag among `tags`: `v4.2.2` over `v4.2` over `v4`; the highest when equally specific. */
export function bestVersionTag(tags: string[]): string | undefined {
  let best: { tag: string; parts: number[] } | undefined;
  for (const tag of tags) {
    const match = VERSION.exec(tag);
    if (!match) continue;
    const parts = match
      .slice(1)
      .filter((p) => p !== undefined)
      .map(Number);
    if (
      !best ||
      parts.length > best.parts.length ||
      (parts.length === best.parts.length && compareParts(parts, best.parts) > 0)
    ) {
      best = { tag, parts };
    }
  }
  return best?.tag;
}

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface RefAnswer {
  commit: string;
  bestTag?: string;
  commentTagCommit?: string;
}

/**
 * What `owner/repo@ref` means given the repository's refs: a 40-hex ref is the commit itself; otherwise a
 * tag wins over a branch of the same name. Returns undefined when the ref is neither.
 */
export function answerRef(refs: GitRef[], ref: string, commentVersion?: string): RefAnswer | undefined {
  const tagCommit = (name: string) => {
    const found = refs.find((r) => r.name === `refs/tags/${name}`);
    return found && commitOf(found);
  };
  let commit: string | undefined;
  if (isFullCommitSha(ref.toLowerCase())) commit = ref.toLowerCase();
  else {
    commit = tagCommit(ref);
    if (!commit) {
      const branch = refs.find((r) => r.name === `refs/heads/${ref}`);
      commit = branch && commitOf(branch);
    }
  }
  if (!commit) return undefined;
  const tagsHere = refs
    .filter((r) => r.name.startsWith('refs/tags/') && commitOf(r) === commit)
    .map((r) => r.name.slice('refs/tags/'.length));
  const answer: RefAnswer = { commit };
  const best = bestVersionTag(tagsHere);
  if (best) answer.bestTag = best;
  if (commentVersion) {
    const bare = commentVersion.replace(/^v/, '');
    const named = tagCommit(commentVersion) ?? tagCommit(`v${bare}`) ?? tagCommit(bare);
    if (named) answer.commentTagCommit = named;
  }
  return answer;
}
