/**
 * IAM role operations: CreateRole, GetRole, UpdateAssumeRolePolicy, PutRolePolicy, GetRolePolicy,
 * ListRolePolicies, DeleteRolePolicy, DeleteRole, each acting on roles of the caller's own account.
 * Inputs and limits: botocore iam/2010-05-08/service-2.json (cited per member below); errors: each
 * operation's `errors` in the same model (NoSuchEntity 404, EntityAlreadyExists 409,
 * MalformedPolicyDocument 400, DeleteConflict 409; ValidationError 400 for a constraint the model
 * states, https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html).
 * Assumption: the messages of NoSuchEntity, EntityAlreadyExists and DeleteConflict are IAM's observed
 * wording (cited per message); the model documents only that "the error message describes" the entity.
 * Not modelled (Assumption: nothing the emulator serves needs them): Tags (accepted, ignored, never
 * returned), PermissionsBoundary (refused), RoleLastUsed, managed policies, IAM quotas (LimitExceeded:
 * policy sizes, roles per account), and IAM's eventual consistency (every change is visible at once).
 */
import { AwsServiceError } from '../errors.js';
import type { HttpReply } from '../http-io.js';
import { MalformedPolicyError, parsePermissionPolicy, parsePolicyText } from '../permission-policy.js';
import { stringViolations, throwIfInvalid, type StringRule } from '../query/validation.js';
import { DEFAULT_MAX_SESSION_SECONDS, type Role } from '../roles.js';
import type { OperationContext } from '../service.js';
import { parseTrustPolicy, type TrustPolicy } from '../trust-policy.js';
import { encodedPolicy, formParams, isoSeconds, resultReply, type XmlValue } from './protocol.js';

/** roleNameType 1-64, `[\w+=,.@-]+` (model, CreateRoleRequest.RoleName and every other RoleName). */
const roleNameRule = (value: string | undefined): StringRule => ({
  member: 'roleName', value, required: true, min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+',
});
/** policyNameType 1-128, `[\w+=,.@-]+` (model, PutRolePolicyRequest.PolicyName). */
const policyNameRule = (value: string | undefined): StringRule => ({
  member: 'policyName', value, required: true, min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+',
});
/** policyDocumentType 1-131072, `[\u0009\u000A\u000D\u0020-\u00FF]+` (model). */
const documentRule = (member: string, value: string | undefined): StringRule => ({
  member, value, required: true, min: 1, max: 131_072,
  pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
});
/** pathType 1-512, `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)` (model, CreateRoleRequest.Path; default "/"). */
const pathRule = (value: string | undefined): StringRule => ({
  member: 'path', value, min: 1, max: 512, pattern: /^(\/|\/[\u0021-\u007E]+\/)$/, patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
});
/** roleDescriptionType max 1000, `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*` (model, CreateRoleRequest.Description). */
const descriptionRule = (value: string | undefined): StringRule => ({
  member: 'description', value, max: 1000,
  pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
});

/** roleMaxSessionDurationType 3600-43200 (model, CreateRoleRequest.MaxSessionDuration). */
const MIN_MAX_SESSION = 3600;
const MAX_MAX_SESSION = 43_200;
/** maxItemsType 1-1000, "the number of items defaults to 100" (model, ListRolePoliciesRequest.MaxItems). */
const MAX_ITEMS_DEFAULT = 100;
const MAX_ITEMS_LIMIT = 1000;

function integerViolations(member: string, text: string | undefined, min: number, max: number): string[] {
  if (text === undefined) return [];
  const value = Number(text);
  if (!Number.isInteger(value)) return [`Value '${text}' at '${member}' failed to satisfy constraint: Member must be an integer`];
  if (value < min) return [`Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`];
  if (value > max) return [`Value '${value}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${max}`];
  return [];
}

/** Observed: "The role with name X cannot be found." (e.g. https://github.com/duo-labs/cloudtracker/issues/41, aws-samples/eks-workshop-v2#1224). */
function noSuchRole(roleName: string): AwsServiceError {
  return new AwsServiceError('NoSuchEntity', 404, `The role with name ${roleName} cannot be found.`);
}

/** Observed: "The role policy with name X cannot be found." (e.g. https://github.com/aws/aws-cli/issues/6139). */
function noSuchPolicy(policyName: string): AwsServiceError {
  return new AwsServiceError('NoSuchEntity', 404, `The role policy with name ${policyName} cannot be found.`);
}

/** A document the emulator refused (MalformedPolicyError, or trust-policy.ts's plain Error) as IAM answers it. */
function malformed(error: unknown): never {
  if (error instanceof Error && !(error instanceof AwsServiceError)) throw new AwsServiceError('MalformedPolicyDocument', 400, error.message);
  throw error;
}

function requireRole(context: OperationContext, roleName: string): Role {
  const role = context.state.roles.get(context.caller.accountId, roleName);
  if (!role) throw noSuchRole(roleName);
  return role;
}

/**
 * A trust policy from its text: JSON, then the emulator's trust-policy rules (trust-policy.ts). Anything
 * refused is MalformedPolicyDocument (model, CreateRole and UpdateAssumeRolePolicy `errors`).
 * Assumption: the messages are the emulator's own (IAM's texts, such as "Invalid principal in policy",
 * are not reproduced), except for text that is not JSON (permission-policy.ts).
 */
function trustPolicyFrom(text: string): TrustPolicy {
  try {
    const document = parsePolicyText(text);
    if (!document || typeof document !== 'object' || Array.isArray(document)) throw new MalformedPolicyError('This policy contains invalid Json');
    return parseTrustPolicy(document);
  } catch (error) {
    return malformed(error);
  }
}

/** The Role structure (model, Role: Path, RoleName, RoleId, Arn, CreateDate, AssumeRolePolicyDocument, Description, MaxSessionDuration). */
function roleXml(role: Role): XmlValue {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.roleArn,
    CreateDate: isoSeconds(role.createdAt),
    AssumeRolePolicyDocument: encodedPolicy(role.trustPolicyText),
    Description: role.description,
    MaxSessionDuration: role.maxSessionSeconds,
  };
}

export function createRole(context: OperationContext): HttpReply {
  const params = formParams(context.request);
  const roleName = params.get('RoleName');
  const documentText = params.get('AssumeRolePolicyDocument');
  const path = params.get('Path');
  const description = params.get('Description');
  const maxSession = params.get('MaxSessionDuration');
  throwIfInvalid([
    ...stringViolations(pathRule(path)),
    ...stringViolations(roleNameRule(roleName)),
    ...stringViolations(documentRule('assumeRolePolicyDocument', documentText)),
    ...stringViolations(descriptionRule(description)),
    ...integerViolations('maxSessionDuration', maxSession, MIN_MAX_SESSION, MAX_MAX_SESSION),
  ]);
  if (params.has('PermissionsBoundary')) {
    throw new AwsServiceError('InvalidInput', 400, 'The emulator does not model permissions boundaries');
  }
  const { state, caller } = context;
  // "Names are not distinguished by case" (model, CreateRoleRequest.RoleName); EntityAlreadyExists 409
  // (model). Observed message: "Role with name X already exists."
  if (state.roles.sameNameIgnoringCase(caller.accountId, roleName!)) {
    throw new AwsServiceError('EntityAlreadyExists', 409, `Role with name ${roleName!} already exists.`);
  }
  const trustPolicy = trustPolicyFrom(documentText!);
  const role = state.roles.create({
    accountId: caller.accountId,
    roleName: roleName!,
    path: path ?? '/',
    trustPolicy,
    trustPolicyText: documentText!,
    ...(description !== undefined ? { description } : {}),
    maxSessionSeconds: maxSession === undefined ? DEFAULT_MAX_SESSION_SECONDS : Number(maxSession),
    createdAt: state.clock.now(),
  });
  state.addAccount(caller.accountId);
  return resultReply('CreateRole', { Role: roleXml(role) }, context.requestId);
}

export function getRole(context: OperationContext): HttpReply {
  const roleName = formParams(context.request).get('RoleName');
  throwIfInvalid(stringViolations(roleNameRule(roleName)));
  return resultReply('GetRole', { Role: roleXml(requireRole(context, roleName!)) }, context.requestId);
}

export function updateAssumeRolePolicy(context: OperationContext): HttpReply {
  const params = formParams(context.request);
  const roleName = params.get('RoleName');
  const documentText = params.get('PolicyDocument');
  throwIfInvalid([...stringViolations(roleNameRule(roleName)), ...stringViolations(documentRule('policyDocument', documentText))]);
  const role = requireRole(context, roleName!);
  context.state.roles.setTrustPolicy(role, trustPolicyFrom(documentText!), documentText!);
  return resultReply('UpdateAssumeRolePolicy', undefined, context.requestId);
}

/**
 * "Adds or updates an inline policy document that is embedded in the specified IAM role" (model,
 * PutRolePolicy). The document is checked as an identity-based policy (permission-policy.ts): a
 * Principal, a missing Resource, or a Condition (not modelled) is MalformedPolicyDocument.
 * Assumption: the role is looked up before the document is judged.
 */
export function putRolePolicy(context: OperationContext): HttpReply {
  const params = formParams(context.request);
  const roleName = params.get('RoleName');
  const policyName = params.get('PolicyName');
  const documentText = params.get('PolicyDocument');
  throwIfInvalid([
    ...stringViolations(roleNameRule(roleName)),
    ...stringViolations(policyNameRule(policyName)),
    ...stringViolations(documentRule('policyDocument', documentText)),
  ]);
  const role = requireRole(context, roleName!);
  let policy;
  try {
    policy = parsePermissionPolicy(parsePolicyText(documentText!), 'identity');
  } catch (error) {
    malformed(error);
  }
  context.state.roles.setInlinePolicy(role, policyName!, { text: documentText!, policy });
  return resultReply('PutRolePolicy', undefined, context.requestId);
}

export function getRolePolicy(context: OperationContext): HttpReply {
  const params = formParams(context.request);
  const roleName = params.get('RoleName');
  const policyName = params.get('PolicyName');
  throwIfInvalid([...stringViolations(roleNameRule(roleName)), ...stringViolations(policyNameRule(policyName))]);
  const inline = requireRole(context, roleName!).permissionPolicies.get(policyName!);
  if (!inline) throw noSuchPolicy(policyName!);
  return resultReply('GetRolePolicy', { RoleName: roleName!, PolicyName: policyName!, PolicyDocument: encodedPolicy(inline.text) }, context.requestId);
}

/**
 * Paged by MaxItems and Marker (model, ListRolePoliciesRequest). Assumption: names in ascending order
 * (the model documents none), and the Marker is the emulator's own opaque token (base64url of an
 * offset; one it did not issue answers ValidationError).
 */
export function listRolePolicies(context: OperationContext): HttpReply {
  const params = formParams(context.request);
  const roleName = params.get('RoleName');
  const maxItemsText = params.get('MaxItems');
  const marker = params.get('Marker');
  throwIfInvalid([
    ...stringViolations(roleNameRule(roleName)),
    ...integerViolations('maxItems', maxItemsText, 1, MAX_ITEMS_LIMIT),
    ...stringViolations({ member: 'marker', value: marker, min: 1, max: 320 }),
  ]);
  const names = [...requireRole(context, roleName!).permissionPolicies.keys()].sort();
  let offset = 0;
  if (marker !== undefined) {
    offset = Number(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw new AwsServiceError('ValidationError', 400, 'Invalid Marker');
  }
  const maxItems = maxItemsText === undefined ? MAX_ITEMS_DEFAULT : Number(maxItemsText);
  const page = names.slice(offset, offset + maxItems);
  const next = offset + page.length;
  const truncated = next < names.length;
  return resultReply('ListRolePolicies', {
    PolicyNames: page,
    IsTruncated: truncated,
    Marker: truncated ? Buffer.from(String(next), 'utf8').toString('base64url') : undefined,
  }, context.requestId);
}

export function deleteRolePolicy(context: OperationContext): HttpReply {
  const params = formParams(context.request);
  const roleName = params.get('RoleName');
  const policyName = params.get('PolicyName');
  throwIfInvalid([...stringViolations(roleNameRule(roleName)), ...stringViolations(policyNameRule(policyName))]);
  const role = requireRole(context, roleName!);
  if (!context.state.roles.deleteInlinePolicy(role, policyName!)) throw noSuchPolicy(policyName!);
  return resultReply('DeleteRolePolicy', undefined, context.requestId);
}

/**
 * "Before attempting to delete a role, remove ... Inline policies (DeleteRolePolicy)" (model,
 * DeleteRole); otherwise DeleteConflict 409 (model). Observed message: "Cannot delete entity, must
 * delete policies first." (e.g. https://github.com/cloud-custodian/cloud-custodian/issues/6109).
 * Sessions of a deleted role lose its permissions at once (authorization.ts).
 */
export function deleteRole(context: OperationContext): HttpReply {
  const roleName = formParams(context.request).get('RoleName');
  throwIfInvalid(stringViolations(roleNameRule(roleName)));
  const role = requireRole(context, roleName!);
  if (role.permissionPolicies.size > 0) throw new AwsServiceError('DeleteConflict', 409, 'Cannot delete entity, must delete policies first.');
  context.state.deleteRole(role.accountId, role.roleName);
  return resultReply('DeleteRole', undefined, context.requestId);
}
