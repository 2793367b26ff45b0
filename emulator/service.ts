/** What the request pipeline needs from each emulated service (STS, IAM, Security Hub). */
import type { AwsServiceError } from './errors.js';
import type { EmulatorRequest, HttpReply } from './http-io.js';
import type { Caller } from './identity.js';
import type { EmulatorState } from './state.js';
import type { SecurityHubThrottlingCode } from './types.js';

export interface OperationContext {
  state: EmulatorState;
  caller: Caller;
  /**
   * Region of the credential scope. AWS requires it to name the Region the request was sent to
   * ("Credential should be scoped to a valid Region", https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html);
   * Assumption: with one endpoint for every Region, the scope is the only Region there is.
   */
  region: string;
  request: EmulatorRequest;
  requestId: string;
  /**
   * An injected 'access-denied' fault hit this request (faults.ts): the operation refuses it where its
   * own check would (AssumeRole: at the trust policy), with the same answer.
   */
  injectedAccessDenied?: boolean;
}

/** The service's answers to authentication failures and injected faults, in its own vocabulary. */
export interface ServiceErrors {
  missingAuthentication(): AwsServiceError;
  incompleteSignature(message: string): AwsServiceError;
  unknownAccessKey(): AwsServiceError;
  badSignature(message: string): AwsServiceError;
  expiredToken(): AwsServiceError;
  /** `errorCode` picks one of the service's throttling codes, for services that have several. */
  throttled(errorCode?: SecurityHubThrottlingCode): AwsServiceError;
  internal(message: string): AwsServiceError;
  /** The service's answer when IAM policy evaluation refuses the request (authorization.ts). */
  accessDenied(message: string): AwsServiceError;
}

/**
 * What a request asks IAM to authorise: the action (`service:Operation`, as the Service Authorization
 * Reference names it) on each resource ARN the operation acts on. Each resource is judged on its own.
 */
export interface AuthorizationRequest {
  action: string;
  resources: string[];
}

export interface ServiceBinding {
  /** SigV4 signing name; the credential scope must name it. */
  signingName: string;
  /** For a global service (IAM), the only Region its credential scope may name. */
  signingRegion?: string;
  errors: ServiceErrors;
  /** The AWS operation name a request addresses, or an error for an unknown operation. */
  route(request: EmulatorRequest): string | AwsServiceError;
  /**
   * What the operation must be authorised for, or undefined when it needs no authorisation (or the
   * request names no resource the operation could act on). May throw the service's input errors.
   */
  authorization?(operation: string, context: OperationContext): AuthorizationRequest | undefined;
  invoke(operation: string, context: OperationContext): Promise<HttpReply>;
  /** The role an AssumeRole request names, for faults narrowed to one role (faults.ts); STS only. */
  faultRoleArn?(operation: string, request: EmulatorRequest): string | undefined;
  renderError(error: AwsServiceError, requestId: string): HttpReply;
}
