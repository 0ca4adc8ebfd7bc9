import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted answer: a status and JSON body, or `hang` (never answer: the client times out). */
export type ScriptedReply = { status: number; body: unknown } | 'hang';

/** An HTTP server on 127.0.0.1 (port 0) with a queue of scripted replies ahead of its default one. */
export interface LoopbackServer {
  url: string;
  /** Replies used, in order, before the default handler answers again. */
  script(...replies: ScriptedReply[]): void;
  /** From now on every request gets this reply (after the scripted ones). */
  always(reply: ScriptedReply): void;
  close(): Promise<void>;
}

/**
 * Starts a loopback server; `handle` answers a request when no scripted reply is queued.
 * Hanging requests are ended when the server closes.
 * @example const server = await startLoopbackServer((req, raw) => ({ status: 200, body: {} }), onRequest);
 */
export async function startLoopbackServer(
  handle: (req: IncomingMessage, raw: string) => { status: number; body: unknown },
  onRequest: (req: IncomingMessage, raw: string) => void = () => undefined,
): Promise<LoopbackServer> {
  const queue: ScriptedReply[] = [];
  const hanging = new Set<ServerResponse>();
  let sticky: ScriptedReply | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      onRequest(req, raw);
      const reply = queue.shift() ?? sticky ?? handle(req, raw);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    script: (...replies) => queue.push(...replies),
    always: (reply) => {
      sticky = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
