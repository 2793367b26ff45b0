/**
 * An error answer in AWS's vocabulary. Each service renders it in its own wire format
 * (STS: awsQuery XML; Security Hub: restJson1 with x-amzn-ErrorType), so the code carries no
 * protocol detail.
 */
export class AwsServiceError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = 'AwsServiceError';
    this.code = code;
    this.status = status;
  }

  /** STS's <Type>: 5xx are the service's fault, everything else the caller's. */
  get faultType(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}
