import { BadRequestError } from '../errors.js';

export interface RoleArnParts {
  partition: string;
  accountId: string;
  /** The name without its path: what IAM policies and the broker's name-prefix rule see. */
  roleName: string;
}

/**
 * `arn:<partition>:iam::<account>:role/[<path>/]<name>` (IAM user guide, "IAM identifiers"); the
 * name is 1-64 of `[\w+=,.@-]` (botocore iam/2010-05-08/service-2.json, roleNameType), a path is
 * `/`-separated segments of printable ASCII (pathType).
 */
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\x21-\x2e\x30-\x7e]+\/)*([\w+=,.@-]{1,64})$/;
const OTHER_IAM_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(user|assumed-role|group|policy|root|federated-user|instance-profile)\b/;

/**
 * Parses a customer's role ARN and holds it to the broker's rules: a role (not a user or a session),
 * in the registration's own account (a customer can only hand the broker its own role), named with
 * the prefix the broker's roles may assume. Each refusal says what to send instead.
 */
export function checkRoleArn(roleArn: string, accountId: string, namePrefix: string): RoleArnParts {
  const match = ROLE_ARN.exec(roleArn);
  if (!match) {
    const other = OTHER_IAM_ARN.exec(roleArn);
    const what = other ? `a ${other[2]} ARN, not a role ARN` : 'not an IAM role ARN';
    throw new BadRequestError('InvalidRoleArn', `roleArn "${roleArn.slice(0, 200)}" is ${what}. Send the ARN of the role you created, arn:aws:iam::${accountId}:role/${namePrefix}...`);
  }
  const [, partition, roleAccount, roleName] = match as unknown as [string, string, string, string];
  if (roleAccount !== accountId) {
    throw new BadRequestError('RoleInOtherAccount',
      `roleArn is in account ${roleAccount}, but this registration is for account ${accountId} (the account whose credentials signed the request). The role must be in your own account.`);
  }
  if (!roleName.startsWith(namePrefix)) {
    throw new BadRequestError('RoleNameNotAllowed',
      `The role's name must start with "${namePrefix}": the broker may only assume roles with that prefix. Create the role with the name the registration's setup gives.`);
  }
  return { partition, accountId: roleAccount, roleName };
}

/** True when the ARN names a role in `accountId` (deliver's defence in depth; no prefix rule there). */
export function isRoleOfAccount(roleArn: string, accountId: string): boolean {
  const match = ROLE_ARN.exec(roleArn);
  return match !== null && match[2] === accountId;
}
