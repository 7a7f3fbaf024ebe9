// A loopback server speaking the part of Docker Hub's web API the product asks: `GET /v2/orgs/<name>/`.
// An organisation answers 200 with its profile (the fields Docker Hub sends, `badge` among them); a
// personal account is redirected to `/v2/users/<name>/`, a profile of type User without a badge; an
// unknown name is 404. Bound to 127.0.0.1 only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubOrganisation {
  badge: '' | 'verified_publisher' | 'open_source';
  fullName: string;
  company: string;
}

export interface TestDockerHub {
  url: string;
  /** Paths asked, in order. */
  requests: string[];
  stop(): Promise<void>;
}

function organisation(name: string, org: HubOrganisation): Record<string, unknown> {
  return {
    id: `${name.length.toString(16).padStart(8, '0')}0000400080000000000000000000`,
    orgname: name,
    full_name: org.fullName,
    location: '',
    company: org.company,
    profile_url: '',
    date_joined: '2016-03-01T10:00:00.000000Z',
    gravatar_url: '',
    gravatar_email: '',
    type: 'Organization',
    badge: org.badge,
    is_active: true,
    user_role: '',
    user_groups: [],
    org_groups_count: 0,
    plan_name: '',
    parent_org: '',
  };
}

function user(name: string): Record<string, unknown> {
  return {
    id: 'f00dfeed000040008000000000000000',
    uuid: 'f00dfeed-0000-4000-8000-000000000000',
    username: name,
    full_name: '',
    location: '',
    company: '',
    profile_url: '',
    date_joined: '2018-07-09T12:00:00.000000Z',
    gravatar_url: '',
    gravatar_email: '',
    type: 'User',
  };
}

export async function startDockerHub(orgs: Record<string, HubOrganisation>, users: string[]): Promise<TestDockerHub> {
  const requests: string[] = [];
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(path);
    const org = /^\/v2\/orgs\/([^/]+)\/?$/.exec(path);
    const usr = /^\/v2\/users\/([^/]+)\/?$/.exec(path);
    if (org && orgs[org[1]]) return send(res, 200, organisation(org[1], orgs[org[1]]));
    if (org && users.includes(org[1])) return send(res, 301, { detail: 'moved' }, { Location: `/v2/users/${org[1]}/` });
    if (usr && users.includes(usr[1])) return send(res, 200, user(usr[1]));
    send(res, 404, { message: 'object not found', errinfo: {} });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
