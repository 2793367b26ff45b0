import { parseProductArn } from '../product/product-arn.js';
import type { Registration } from '../registry/model.js';
import type { Registry } from '../registry/registry.js';

/** Where one heartbeat goes: an ACTIVE registration and one of its Regions. */
export interface HeartbeatDestination {
  registration: Registration;
  region: string;
  /** The partner's product ARN in that Region; undefined when the partner has none there (then nothing is sent). */
  productArn: string | undefined;
  partnerName: string;
}

/**
 * Every ACTIVE registration once per registered Region, found through the registry's partner-scoped
 * queries (listPartners, then listRegistrations per partner), never a Scan: the broker's roles are
 * granted none (infra/cdk/constructs/storage.ts). SUSPENDED, OFFBOARDED and PENDING registrations get
 * no heartbeat, as they get no findings (registration-problem.ts).
 */
export async function heartbeatDestinations(registry: Registry): Promise<HeartbeatDestination[]> {
  const destinations: HeartbeatDestination[] = [];
  for (const partner of await registry.listPartners()) {
    const products = partner.productArns.map((arn) => parseProductArn(arn)).filter((parts) => parts !== undefined);
    for (const registration of await registry.listRegistrations(partner.partnerId)) {
      if (registration.status !== 'ACTIVE') continue;
      for (const region of new Set(registration.regions)) {
        const product = products.find((parts) => parts.productKey === registration.productKey && parts.region === region);
        destinations.push({ registration, region, productArn: product?.arn, partnerName: partner.name });
      }
    }
  }
  return destinations;
}
