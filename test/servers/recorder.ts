// A loopback HTTP server that records what reaches it (above all `Authorization` headers) and answers
// as a test tells it to: the hostile registry, the realm on another port, the mirror, the other host.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
}

export interface Recorder {
  /** `127.0.0.1:PORT`, usable as a registry name. */
  host: string;
  url: string;
  requests: RecordedRequest[];
  /** TCP connections accepted, TLS attempts included (a client speaking https to it still counts). */
  connections: number;
  answer: (req: IncomingMessage, res: ServerResponse) => void;
  stop(): Promise<void>;
}

/** A registry that wants Basic credentials for everything: a trap for credentials meant elsewhere. */
export function askForBasic(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"', 'Content-Type': 'application/json' });
  res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
}

/** A registry whose challenge names `realm` as its token service. */
export function askForBearer(realm: string) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm}",service="hostile"`, 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  };
}

/** A token service answering with `token`. */
export function giveToken(token: string) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300 }));
  };
}

export async function startRecorder(answer: Recorder['answer'] = askForBasic): Promise<Recorder> {
  const sockets = new Set<Socket>();
  const recorder: Recorder = {
    host: '',
    url: '',
    requests: [],
    connections: 0,
    answer,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  // Large headers are accepted, so an oversized token sent back is seen rather than refused by Node.
  const server = createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    recorder.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    recorder.answer(req, res);
  });
  server.on('connection', (socket: Socket) => {
    recorder.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  recorder.host = `127.0.0.1:${port}`;
  recorder.url = `http://127.0.0.1:${port}`;
  return recorder;
}

/** The credentials carried by recorded requests (Basic decoded; Bearer as it came). */
export function credentialsSeen(recorder: Recorder): string[] {
  return recorder.requests.flatMap((r) => {
    if (!r.authorization) return [];
    const basic = /^Basic (.+)$/i.exec(r.authorization);
    return [basic ? Buffer.from(basic[1], 'base64').toString('utf8') : r.authorization];
  });
}
