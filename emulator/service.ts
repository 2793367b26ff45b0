/** What the request pipeline needs from each emulated service (STS, Security Hub). */
import type { AwsServiceError } from './errors.js';
import type { EmulatorRequest, HttpReply } from './http-io.js';
import type { Caller } from './identity.js';
import type { EmulatorState } from './state.js';

export interface OperationContext {
  state: EmulatorState;
  caller: Caller;
  /** Region of the credential scope: the Region the request was sent to. */
  region: string;
  request: EmulatorRequest;
  requestId: string;
}

/** The service's answers to authentication failures and injected faults, in its own vocabulary. */
export interface ServiceErrors {
  missingAuthentication(): AwsServiceError;
  incompleteSignature(message: string): AwsServiceError;
  unknownAccessKey(): AwsServiceError;
  badSignature(message: string): AwsServiceError;
  expiredToken(): AwsServiceError;
  throttled(): AwsServiceError;
  internal(message: string): AwsServiceError;
}

export interface ServiceBinding {
  /** SigV4 signing name; the credential scope must name it. */
  signingName: string;
  errors: ServiceErrors;
  /** The AWS operation name a request addresses, or an error for an unknown operation. */
  route(request: EmulatorRequest): string | AwsServiceError;
  invoke(operation: string, context: OperationContext): Promise<HttpReply>;
  renderError(error: AwsServiceError, requestId: string): HttpReply;
}
