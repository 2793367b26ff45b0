/**
 * The HTTP server: admin routes under /_emulator/, STS and IAM at "/" (the only path either uses: every
 * STS and IAM operation has requestUri "/", botocore sts/2011-06-15/service-2.json and
 * iam/2010-05-08/service-2.json), Security Hub on every other path (none of its operations uses "/",
 * botocore securityhub/2018-10-26/service-2.json). At "/", the service is the one the SigV4 credential
 * scope names (`sts` or `iam`, the models' signing names); for a request signed for neither, or not
 * signed, the awsQuery Version parameter decides (IAM's 2010-05-08, otherwise STS), so that the service's
 * own authentication error answers it. stop() ends open keep-alive sockets and pending injected
 * latencies, so tests can start and stop many emulators quickly. Assumption: AWS tells the services
 * apart by host name (sts.<region>.amazonaws.com, iam.amazonaws.com, securityhub.<region>.amazonaws.com);
 * one emulator endpoint serves all three, so the path, scope and Version decide.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ADMIN_PREFIX, handleAdmin } from './admin-api.js';
import { ConnectionReset } from './connection-reset.js';
import { dispatch } from './dispatch.js';
import { BodyTooLargeError, json, readBody, send, toEmulatorRequest, type EmulatorRequest } from './http-io.js';
import { iamBinding } from './iam/binding.js';
import { formParams } from './query/protocol.js';
import { securityHubBinding } from './securityhub/binding.js';
import type { ServiceBinding } from './service.js';
import { parseAuthorization } from './sigv4.js';
import type { EmulatorState } from './state.js';
import { stsBinding } from './sts/binding.js';

/** IAM's API version (botocore iam/2010-05-08/service-2.json, metadata.apiVersion). */
const IAM_VERSION = '2010-05-08';

function bindingFor(request: EmulatorRequest): ServiceBinding {
  if (request.path !== '/') return securityHubBinding;
  const signed = parseAuthorization(request);
  if (signed.kind === 'signed' && signed.auth.service === 'iam') return iamBinding;
  if (signed.kind === 'signed' && signed.auth.service === 'sts') return stsBinding;
  return formParams(request).get('Version') === IAM_VERSION ? iamBinding : stsBinding;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export async function startServer(state: EmulatorState, host: string, port: number): Promise<RunningServer> {
  const lifetime = new AbortController();
  const sockets = new Set<Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        send(res, json(413, { message: error.message }, { connection: 'close' }));
        return;
      }
      throw error;
    }
    const request = toEmulatorRequest(req, body);
    if (request.path.startsWith(ADMIN_PREFIX)) {
      send(res, handleAdmin(state, request));
      return;
    }
    send(res, await dispatch(bindingFor(request), state, request, lifetime.signal));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // An injected 'connection-reset' fault (faults.ts): a TCP RST rather than a graceful close, so the
      // client sees ECONNRESET, as when a network path between Lambda and an AWS endpoint fails.
      if (error instanceof ConnectionReset) {
        req.socket.resetAndDestroy();
        return;
      }
      // Otherwise only reachable when stop() aborted a delayed request or the client went away mid-body.
      res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${shownHost}:${address.port}`,
    async stop() {
      lifetime.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
