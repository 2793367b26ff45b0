/**
 * STS operations: AssumeRole (trust policy, ExternalId, session limits) and GetCallerIdentity.
 * Request limits: botocore sts/2011-06-15/service-2.json, AssumeRoleRequest (cited per member below);
 * behaviour: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html.
 * Not modelled (Assumption: the broker sends none of them; they are accepted and ignored): Policy,
 * PolicyArns, TransitiveTagKeys, SerialNumber/TokenCode (MFA), SourceIdentity, ProvidedContexts, and
 * the session tags' own keys and values (only their number is checked).
 */
import { parseRoleArn } from '../arn.js';
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import type { OperationContext } from '../service.js';
import { isAllowed } from '../trust-policy.js';
import { stringViolations, throwIfInvalid } from '../query/validation.js';
import { formParams, isoSeconds, resultReply } from './protocol.js';

/** roleDurationSecondsType min 900 (model, AssumeRoleRequest.DurationSeconds). */
const MIN_DURATION_SECONDS = 900;
/**
 * The model's ceiling (roleDurationSecondsType max 43200); a role's MaxSessionDuration (default 1 h,
 * roles.ts) and role chaining cap it further.
 */
const MODEL_MAX_DURATION_SECONDS = 43_200;
/**
 * "Role chaining limits your ... AWS API role session to a maximum of one hour ... if you assume a role
 * using role chaining and provide a DurationSeconds parameter value greater than one hour, the operation
 * fails" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining;
 * also the model's DurationSeconds documentation).
 */
const CHAINED_MAX_DURATION_SECONDS = 3600;
/** "By default, the value is set to 3600 seconds" (model, AssumeRoleRequest.DurationSeconds). */
const DEFAULT_DURATION_SECONDS = 3600;
/** tagListType max 50, "You can pass up to 50 session tags" (model, AssumeRoleRequest.Tags). */
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
  // RoleArn and RoleSessionName are required (AssumeRoleRequest "required"); RoleArn is arnType, 20-2048
  // characters (Assumption: its character-range pattern is not checked); RoleSessionName is
  // roleSessionNameType (2-64, `[\w+=,.@-]*`), ExternalId externalIdType (2-1224, `[\w+=,.@:\/-]*`; also
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_externalid).
  // Members are named in camelCase, as AWS's validation messages name them (Assumption: observed
  // wording, see ../query/validation.ts).
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
  // DurationSeconds is an integer, 900-43200 (roleDurationSecondsType). Assumption: the message texts.
  const durationSeconds = durationText === undefined ? DEFAULT_DURATION_SECONDS : Number(durationText);
  if (!Number.isInteger(durationSeconds)) violations.push(`Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`);
  else if (durationSeconds < MIN_DURATION_SECONDS) violations.push(`Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`);
  else if (durationSeconds > MODEL_MAX_DURATION_SECONDS) violations.push(`Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${MODEL_MAX_DURATION_SECONDS}`);
  // awsQuery flattens lists as Tags.member.N.Key (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).
  const tagCount = [...params.keys()].filter((key) => /^Tags\.member\.\d+\.Key$/.test(key)).length;
  if (tagCount > MAX_SESSION_TAGS) violations.push(`Value '[...]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`);
  throwIfInvalid(violations);
  return { roleArn: roleArn!, roleSessionName: roleSessionName!, externalId, durationSeconds, tagCount };
}

/**
 * "User: <caller ARN> is not authorized to perform: <action> on resource: <ARN>", the format of
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html. Assumption: code
 * AccessDenied with HTTP 403, as STS answers (observed; neither the model nor CommonErrors.html lists it),
 * and no "because ..." context clause.
 */
function accessDenied(callerArn: string, action: string, roleArn: string): AwsServiceError {
  return new AwsServiceError('AccessDenied', 403, `User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn}`);
}

export function assumeRole(context: OperationContext): HttpReply {
  const { state, caller } = context;
  const input = readInput(formParams(context.request));
  const ref = parseRoleArn(input.roleArn);
  const role = ref && state.roles.get(ref.accountId, ref.roleName);
  // A missing role and an untrusting one answer alike, so callers cannot probe which roles exist.
  // Assumption: this is what STS does (observed); no page documents the answer for a missing role.
  // Assumption: the order of the checks below (role, trust, sts:TagSession, chaining, MaxSessionDuration)
  // is not documented; the input checks above come first, so a malformed request never reaches the trust
  // policy. The caller's own permissions, SCPs and RCPs were judged before any of them (dispatch.ts).
  if (!role) throw accessDenied(caller.arn, 'sts:AssumeRole', input.roleArn);
  const trustRequest = { caller, externalId: input.externalId, roleSessionName: input.roleSessionName };
  // An injected 'access-denied' fault (faults.ts) refuses here, as a trust policy not yet visible to
  // STS would under IAM's eventual consistency: the same answer as an untrusting role.
  if (context.injectedAccessDenied || !isAllowed(role.trustPolicy, { ...trustRequest, action: 'sts:AssumeRole' })) {
    throw accessDenied(caller.arn, 'sts:AssumeRole', input.roleArn);
  }
  // Passing session tags needs sts:TagSession in the trust policy too
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required).
  if (input.tagCount > 0 && !isAllowed(role.trustPolicy, { ...trustRequest, action: 'sts:TagSession' })) {
    throw accessDenied(caller.arn, 'sts:TagSession', input.roleArn);
  }
  // ValidationError 400 (CommonErrors.html); message text: "The requested DurationSeconds exceeds the 1
  // hour session limit for roles assumed by role chaining"
  // (https://repost.aws/knowledge-center/iam-role-chaining-limit).
  if (caller.isRole && input.durationSeconds > CHAINED_MAX_DURATION_SECONDS) {
    throw new AwsServiceError('ValidationError', 400, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  // "If you specify a value higher than this setting ... the operation fails" (model, DurationSeconds).
  // Assumption: ValidationError with this text, as STS answers (observed); the IAM guide quotes a near
  // variant, "Requested DurationSeconds exceeds MaxSessionDuration set for this role."
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html#troubleshoot_saml_duration-exceeds).
  if (input.durationSeconds > role.maxSessionSeconds) {
    throw new AwsServiceError('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const expiresAt = state.clock.now() + input.durationSeconds * 1000;
  const session = state.credentials.issueSession({
    accountId: role.accountId,
    roleName: role.roleName,
    roleArn: role.roleArn,
    roleId: role.roleId,
    sessionName: input.roleSessionName,
    expiresAt,
  });
  return resultReply('AssumeRole', {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      // Expiration is a timestamp (model, Credentials.Expiration), written without milliseconds (isoSeconds).
      Expiration: isoSeconds(expiresAt),
    },
    AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.assumedRoleArn },
    // The model defines PackedPolicySize as "A percentage value that indicates the packed size of the
    // session policies and session tags". Assumption: the packing is unpublished, so the emulator reports
    // the tag count in its place, and omits it without tags. Code must not read meaning into the number.
    PackedPolicySize: input.tagCount > 0 ? input.tagCount : undefined,
  }, context.requestId);
}

/**
 * "No permissions are required to perform this operation" (model, GetCallerIdentity), so it always
 * answers for an authenticated caller.
 */
export function getCallerIdentity(context: OperationContext): HttpReply {
  const { caller } = context;
  return resultReply('GetCallerIdentity', { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn }, context.requestId);
}
