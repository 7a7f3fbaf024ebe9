// Registry credentials, found where the Docker CLI finds them and bound to the exact origin (scheme,
// host, port) they were configured for. A request to any other origin (a mirror, a token realm on
// another host or port, a plain-http address) gets nothing: a workflow chooses registry names, but it
// must not be able to make the checker hand a password to a server of its choosing.
import type * as ChildProcess from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isObject } from '../engine/factShapes';
import { DOCKER_HUB, DOCKER_HUB_ALIASES } from '../engine/imageReference';
import { isLoopbackHost } from './addressPolicy';
import { readRegularFile } from '../workspace/readFile';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface CredentialOptions {
  /** Docker's client config; default `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; `null` reads none. */
  dockerConfigPath?: string | null;
  /** Credentials per registry name (bound like a `auths` entry of that name), taking precedence over Docker's. */
  credentials?: Record<string, RegistryCredentials>;
  /** Environment for `DOCKER_CONFIG`, `HOME` and the credential helpers' `PATH`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Time limit for one `docker-credential-<helper> get`. Default 10000. */
  helperTimeoutMs?: number;
}

/** Docker Hub: the address the Docker CLI files its credentials under, and its API origin. */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
export const DOCKER_HUB_ORIGIN = 'https://registry-1.docker.io';
/** Helper names become part of a program name: no path separators or anything a shell would read. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_CONFIG_BYTES = 1024 * 1024;

interface ConfigEntry {
  /** Where these credentials may go: exactly these origins. */
  origins: string[];
  credentials: RegistryCredentials;
}

interface DockerConfig {
  auths: Map<string, ConfigEntry>;
  helpers: Map<string, string>;
  defaultHelper?: string;
}

/** `host[:port]` a config key names (scheme and path dropped; Docker Hub's aliases as `docker.io`). */
function serverKey(key: string): string {
  const host = key
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]
    .toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/**
 * The origins credentials filed under a config key may be sent to. A key with a scheme names one
 * origin; a bare name means https, and also plain http for this machine (Docker treats loopback
 * registries as insecure ones). Docker Hub's credentials go to its API origin.
 */
export function boundOrigins(key: string): string[] {
  const server = serverKey(key);
  if (server === DOCKER_HUB) return [DOCKER_HUB_ORIGIN];
  const scheme = /^(https?):\/\//i.exec(key)?.[1]?.toLowerCase();
  let https: URL;
  try {
    https = new URL(`https://${server}`);
  } catch {
    return [];
  }
  if (scheme === 'http') return [new URL(`http://${server}`).origin];
  if (scheme === 'https') return [https.origin];
  return isLoopbackHost(https.hostname) ? [https.origin, new URL(`http://${server}`).origin] : [https.origin];
}

/** The server key for a registry origin: what the config and the helpers file its credentials under. */
function serverKeyOfOrigin(origin: string): string {
  return origin === DOCKER_HUB_ORIGIN ? DOCKER_HUB : new URL(origin).host;
}

function decodeEntry(entry: unknown): RegistryCredentials | undefined {
  if (!isObject(entry)) return undefined;
  let username = typeof entry.username === 'string' ? entry.username : undefined;
  let password = typeof entry.password === 'string' ? entry.password : undefined;
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  return username && password !== undefined ? { username, password } : undefined;
}

function readDockerConfig(path: string | null): DockerConfig {
  const config: DockerConfig = { auths: new Map(), helpers: new Map() };
  if (!path) return config;
  let json: unknown;
  try {
    // A link is followed: people keep their Docker config in dotfiles.
    const read = readRegularFile(path, MAX_CONFIG_BYTES);
    if (!('text' in read)) return config;
    json = JSON.parse(read.text);
  } catch {
    return config;
  }
  if (!isObject(json)) return config;
  for (const [key, entry] of Object.entries(isObject(json.auths) ? json.auths : {})) {
    const credentials = decodeEntry(entry);
    if (credentials) config.auths.set(serverKey(key), { origins: boundOrigins(key), credentials });
  }
  for (const [key, helper] of Object.entries(isObject(json.credHelpers) ? json.credHelpers : {})) {
    if (typeof helper === 'string' && HELPER_NAME.test(helper)) config.helpers.set(serverKey(key), helper);
  }
  if (typeof json.credsStore === 'string' && HELPER_NAME.test(json.credsStore)) config.defaultHelper = json.credsStore;
  return config;
}

/** Where the Docker CLI looks for its config (`DOCKER_CONFIG` names the folder). */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return join(env.HOME || homedir(), '.docker', 'config.json');
}

export class CredentialStore {
  private readonly env: NodeJS.ProcessEnv;
  private readonly configPath: string | null;
  private readonly explicit = new Map<string, ConfigEntry>();
  private readonly helperTimeoutMs: number;
  private config?: DockerConfig;
  private readonly asked = new Map<string, Promise<RegistryCredentials | undefined>>();
  /** What went wrong with a credential helper, by helper and server, for the log. */
  readonly problems: string[] = [];

  constructor(options: CredentialOptions = {}) {
    this.env = options.env ?? process.env;
    this.configPath =
      options.dockerConfigPath === undefined ? defaultDockerConfigPath(this.env) : options.dockerConfigPath;
    this.helperTimeoutMs = options.helperTimeoutMs ?? 10_000;
    for (const [name, credentials] of Object.entries(options.credentials ?? {})) {
      this.explicit.set(serverKey(name), { origins: boundOrigins(name), credentials });
    }
  }

  /**
   * Credentials for requests to `origin` (a registry's API), or none. Only credentials bound to exactly
   * that origin qualify, and never over plain http to a host other than this machine.
   */
  async forOrigin(origin: string): Promise<RegistryCredentials | undefined> {
    const url = new URL(origin);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return undefined;
    const key = serverKeyOfOrigin(url.origin);
    const configured = this.explicit.get(key) ?? this.dockerConfig().auths.get(key);
    if (configured) return configured.origins.includes(url.origin) ? configured.credentials : undefined;
    const helper = this.dockerConfig().helpers.get(key) ?? this.dockerConfig().defaultHelper;
    if (!helper || !boundOrigins(key).includes(url.origin)) return undefined;
    let answer = this.asked.get(`${helper} ${key}`);
    if (!answer)
      this.asked.set(
        `${helper} ${key}`,
        (answer = this.askHelper(helper, key === DOCKER_HUB ? DOCKER_HUB_SERVER : key)),
      );
    return answer;
  }

  private dockerConfig(): DockerConfig {
    this.config ??= readDockerConfig(this.configPath);
    return this.config;
  }

  /**
   * `docker-credential-<helper> get` with the server address on stdin, as the Docker CLI runs it; the
   * answer is `{"ServerURL", "Username", "Secret"}`. An identity token (`<token>` as user name) is for
   * Docker's own login flow and is not used.
   */
  private askHelper(helper: string, server: string): Promise<RegistryCredentials | undefined> {
    // Loaded when a helper is first asked: most runs never start one.
    const { execFile } = require('node:child_process') as typeof ChildProcess;
    return new Promise((resolve) => {
      const child = execFile(
        `docker-credential-${helper}`,
        ['get'],
        { env: this.env, timeout: this.helperTimeoutMs, maxBuffer: 64 * 1024, encoding: 'utf8', windowsHide: true },
        (error, stdout) => {
          if (error) {
            // Helpers answer "credentials not found" with a failure status; that is not worth a note.
            if (!/not found/i.test(stdout))
              this.problems.push(
                `docker-credential-${helper} get for ${server} failed: ${error.killed ? `no answer within ${this.helperTimeoutMs} ms` : error.message.split('\n')[0]}`,
              );
            resolve(undefined);
            return;
          }
          try {
            const json: unknown = JSON.parse(stdout);
            const username = isObject(json) && typeof json.Username === 'string' ? json.Username : '';
            const secret = isObject(json) && typeof json.Secret === 'string' ? json.Secret : '';
            resolve(username && secret && username !== '<token>' ? { username, password: secret } : undefined);
          } catch {
            this.problems.push(`docker-credential-${helper} get for ${server} did not answer with JSON`);
            resolve(undefined);
          }
        },
      );
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(server);
    });
  }
}
