/** STS operations: AssumeRole (trust policy, ExternalId, session limits) and GetCallerIdentity. */
import { parseRoleArn } from '../arn.js';
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import type { OperationContext } from '../service.js';
import { isAllowed } from '../trust-policy.js';
import { formParams, resultReply } from './protocol.js';
import { stringViolations, throwIfInvalid } from './validation.js';

const MIN_DURATION_SECONDS = 900;
/** The model's ceiling; a role's MaxSessionDuration (default 1 h) and role chaining cap it further. */
const MODEL_MAX_DURATION_SECONDS = 43_200;
const CHAINED_MAX_DURATION_SECONDS = 3600;
const DEFAULT_DURATION_SECONDS = 3600;
const MAX_SESSION_TAGS = 50;

interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  externalId: string | undefined;
  durationSeconds: number;
  tagCount: number;
}

function readInput(params: Map<string, string>): AssumeRoleInput {
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const externalId = params.get('ExternalId');
  const durationText = params.get('DurationSeconds');
  const violations = [
    ...stringViolations({ member: 'roleArn', value: roleArn, required: true, min: 20, max: 2048 }),
    ...stringViolations({
      member: 'roleSessionName', value: roleSessionName, required: true, min: 2, max: 64,
      pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*',
    }),
    ...stringViolations({
      member: 'externalId', value: externalId, min: 2, max: 1224,
      pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*',
    }),
  ];
  const durationSeconds = durationText === undefined ? DEFAULT_DURATION_SECONDS : Number(durationText);
  if (!Number.isInteger(durationSeconds)) violations.push(`Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`);
  else if (durationSeconds < MIN_DURATION_SECONDS) violations.push(`Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`);
  else if (durationSeconds > MODEL_MAX_DURATION_SECONDS) violations.push(`Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${MODEL_MAX_DURATION_SECONDS}`);
  const tagCount = [...params.keys()].filter((key) => /^Tags\.member\.\d+\.Key$/.test(key)).length;
  if (tagCount > MAX_SESSION_TAGS) violations.push(`Value '[...]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`);
  throwIfInvalid(violations);
  return { roleArn: roleArn!, roleSessionName: roleSessionName!, externalId, durationSeconds, tagCount };
}

function accessDenied(callerArn: string, action: string, roleArn: string): AwsServiceError {
  return new AwsServiceError('AccessDenied', 403, `User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn}`);
}

/** AWS prints Expiration without milliseconds. */
function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function assumeRole(context: OperationContext): HttpReply {
  const { state, caller } = context;
  const input = readInput(formParams(context.request));
  const ref = parseRoleArn(input.roleArn);
  const role = ref && state.roles.get(ref.accountId, ref.roleName);
  // A missing role and an untrusting one answer alike, so callers cannot probe which roles exist.
  if (!role) throw accessDenied(caller.arn, 'sts:AssumeRole', input.roleArn);
  const trustRequest = { caller, externalId: input.externalId, roleSessionName: input.roleSessionName };
  if (!isAllowed(role.trustPolicy, { ...trustRequest, action: 'sts:AssumeRole' })) throw accessDenied(caller.arn, 'sts:AssumeRole', input.roleArn);
  // Passing session tags needs sts:TagSession in the trust policy too.
  if (input.tagCount > 0 && !isAllowed(role.trustPolicy, { ...trustRequest, action: 'sts:TagSession' })) {
    throw accessDenied(caller.arn, 'sts:TagSession', input.roleArn);
  }
  if (caller.isRole && input.durationSeconds > CHAINED_MAX_DURATION_SECONDS) {
    throw new AwsServiceError('ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (input.durationSeconds > role.maxSessionSeconds) {
    throw new AwsServiceError('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const expiresAt = state.clock.now() + input.durationSeconds * 1000;
  const session = state.credentials.issueSession({
    accountId: role.accountId,
    roleName: role.roleName,
    roleId: role.roleId,
    sessionName: input.roleSessionName,
    expiresAt,
  });
  return resultReply('AssumeRole', {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: isoSeconds(expiresAt),
    },
    AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.assumedRoleArn },
    PackedPolicySize: input.tagCount > 0 ? input.tagCount : undefined,
  }, context.requestId);
}

export function getCallerIdentity(context: OperationContext): HttpReply {
  const { caller } = context;
  return resultReply('GetCallerIdentity', { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn }, context.requestId);
}
