/**
 * An error answer in AWS's vocabulary. Each service renders it in its own wire format
 * (STS and IAM: awsQuery XML; Security Hub: restJson1 with x-amzn-ErrorType), so the code carries no
 * protocol detail. Protocols per botocore sts/2011-06-15/service-2.json, iam/2010-05-08/service-2.json
 * and securityhub/2018-10-26/service-2.json, metadata.protocol ("query", "query", "rest-json").
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

  /**
   * The awsQuery <Error><Type>: Sender or Receiver (awsQuery error serialization,
   * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html). Assumption: 5xx is Receiver,
   * everything else Sender; every 4xx error in botocore sts/2011-06-15/service-2.json and
   * iam/2010-05-08/service-2.json carries "senderFault": true (e.g. MalformedPolicyDocumentException),
   * and IAM's only 5xx, ServiceFailureException, does not.
   */
  get faultType(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}
