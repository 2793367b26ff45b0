import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { classifyDiagnosedAccess, undiagnosedAccess, type Failure, type FailureContext } from '../diagnostics/failure-catalog.js';
import type { DeliveryMode } from '../registry/model.js';
import { diagnoseImportAccess } from './access-diagnosis.js';

export interface RefusedFinding {
  productArn: string;
  /** The `access-refused` failure classified from its FailedFindings entry. */
  failure: Failure;
}

/** Whose fate an InvalidAccess decides: the whole destination (hub off), or single products. */
export interface AccessVerdict {
  destination?: Failure;
  /** Every refused product ARN, unless `destination` covers them all. */
  products: Map<string, Failure>;
}

/**
 * Turns the findings Security Hub refused with InvalidAccess in one import call into the failure
 * each must be dead-lettered with: SecurityHubNotEnabled for the destination, ProductNotSubscribed
 * per product, or (when the cause cannot be told) the refusal with both fixes. In partner-account
 * mode the broker calls from its own account, whose hub says nothing about the customer's, so no
 * look is taken there.
 */
export async function judgeRefusedAccess(
  client: SecurityHubClient,
  mode: DeliveryMode,
  refused: RefusedFinding[],
  context: FailureContext,
): Promise<AccessVerdict> {
  const byProduct = new Map(refused.map((entry) => [entry.productArn, entry.failure]));
  const undiagnosed = (why: string): AccessVerdict => ({
    products: new Map([...byProduct].map(([productArn, failure]) => [productArn, undiagnosedAccess(failure, why)])),
  });
  if (mode === 'partner-account') {
    return undiagnosed("the broker imports from its own account in partner-account mode and cannot look into the customer's");
  }
  const diagnosis = await diagnoseImportAccess(client, [...byProduct.keys()]);
  const [someFailure] = byProduct.values();
  if (diagnosis.kind === 'hub-off') return { destination: classifyDiagnosedAccess('SecurityHubNotEnabled', someFailure!, context), products: new Map() };
  if (diagnosis.kind === 'unknown') return undiagnosed(diagnosis.why);
  const products = new Map<string, Failure>();
  for (const [productArn, failure] of byProduct) {
    products.set(productArn, diagnosis.productArns.has(productArn)
      ? classifyDiagnosedAccess('ProductNotSubscribed', failure, { ...context, productArn })
      : undiagnosedAccess(failure, 'Security Hub is enabled and this product integration is listed as enabled'));
  }
  return { products };
}
