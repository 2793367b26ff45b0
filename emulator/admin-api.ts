/**
 * The programmatic admin surface over HTTP, for processes that cannot hold the EmulatorState object
 * (the benchmark script, the local stack's CLI). JSON in and out; not AWS-signed, which is why the
 * server binds to 127.0.0.1 by default. Emulator-only: no AWS counterpart, so its answers (404 for an
 * unknown route, 400 for bad input, 200 otherwise) follow no AWS document (Assumption: plain HTTP
 * conventions).
 */
import type { EmulatorRequest, HttpReply } from './http-io.js';
import { json, queryParams } from './http-io.js';
import type { EmulatorState } from './state.js';
import type { FaultSpec } from './types.js';

export const ADMIN_PREFIX = '/_emulator/';

class AdminInputError extends Error {}

type Params = Record<string, unknown>;
type Handler = (state: EmulatorState, input: Params) => unknown;

function text(input: Params, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') throw new AdminInputError(`${key} is required (a non-empty string)`);
  return value;
}

function optionalText(input: Params, key: string): string | undefined {
  return input[key] === undefined ? undefined : text(input, key);
}

function object(input: Params, key: string): object {
  const value = input[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AdminInputError(`${key} is required (an object)`);
  return value;
}

const ROUTES: Record<string, Handler> = {
  'GET calls': (state) => ({ calls: state.calls() }),
  'GET counts': (state, input) => {
    const operation = text(input, 'operation');
    const accountId = optionalText(input, 'accountId');
    return { operation, accountId, count: state.callCount(operation, accountId) };
  },
  'POST reset-counters': (state) => state.resetCounters(),
  'GET import-log': (state, input) => state.importLog.read(optionalText(input, 'accountId')),
  'GET findings': (state, input) => ({ findings: state.findings(text(input, 'accountId'), text(input, 'region')) }),
  'POST faults': (state, input) => state.injectFault(input as unknown as FaultSpec),
  'DELETE faults': (state) => state.clearFaults(),
  'POST clock/advance': (state, input) => state.advanceClock(Number(input.ms)),
  'POST accounts': (state, input) => state.addAccount(text(input, 'accountId')),
  'POST access-keys': (state, input) =>
    state.addAccessKey({
      accountId: text(input, 'accountId'),
      principalArn: text(input, 'principalArn'),
      accessKeyId: optionalText(input, 'accessKeyId'),
      secretAccessKey: optionalText(input, 'secretAccessKey'),
    }),
  'POST roles': (state, input) => {
    const { permissionPolicies, unrestricted } = input;
    if (permissionPolicies !== undefined && !Object.values(object(input, 'permissionPolicies')).every((d) => typeof d === 'object' && d !== null)) {
      throw new AdminInputError('permissionPolicies must map policy names to policy documents (objects)');
    }
    if (unrestricted !== undefined && typeof unrestricted !== 'boolean') throw new AdminInputError('unrestricted must be a boolean');
    return state.putRole({
      accountId: text(input, 'accountId'), roleName: text(input, 'roleName'), trustPolicy: object(input, 'trustPolicy'),
      ...(permissionPolicies !== undefined ? { permissionPolicies: permissionPolicies as Record<string, object> } : {}),
      ...(unrestricted !== undefined ? { unrestricted } : {}),
    });
  },
  'DELETE roles': (state, input) => state.deleteRole(text(input, 'accountId'), text(input, 'roleName')),
  'POST role-policies': (state, input) =>
    state.putRolePolicy(text(input, 'accountId'), text(input, 'roleName'), text(input, 'policyName'), object(input, 'document')),
  'POST scps': (state, input) => state.attachServiceControlPolicy(text(input, 'accountId'), object(input, 'document')),
  'DELETE scps': (state, input) => state.detachServiceControlPolicies(text(input, 'accountId')),
  'POST rcps': (state, input) => state.attachResourceControlPolicy(text(input, 'accountId'), object(input, 'document')),
  'DELETE rcps': (state, input) => state.detachResourceControlPolicies(text(input, 'accountId')),
  'POST hubs': (state, input) => state.enableHub(text(input, 'accountId'), text(input, 'region')),
  'DELETE hubs': (state, input) => state.disableHub(text(input, 'accountId'), text(input, 'region')),
  'POST products': (state, input) => state.enableProduct(text(input, 'accountId'), text(input, 'region'), text(input, 'productArn')),
  'DELETE products': (state, input) => state.disableProduct(text(input, 'accountId'), text(input, 'region'), text(input, 'productArn')),
};

function readInput(request: EmulatorRequest): Params {
  const input: Params = Object.fromEntries(queryParams(request.query));
  if (request.body.length === 0) return input;
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new AdminInputError('body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminInputError('body must be a JSON object');
  return { ...input, ...body };
}

export function handleAdmin(state: EmulatorState, request: EmulatorRequest): HttpReply {
  const name = request.path.slice(ADMIN_PREFIX.length).replace(/\/+$/, '');
  const handler = ROUTES[`${request.method} ${name}`];
  if (!handler) return json(404, { error: `no admin route ${request.method} ${request.path}; see emulator/admin-api.ts` });
  try {
    return json(200, handler(state, readInput(request)) ?? { ok: true });
  } catch (error) {
    // Admin calls fail only on bad input (state methods throw plain Errors on invalid arguments).
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
}
