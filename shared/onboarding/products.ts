import { parseProductArn } from '../product/product-arn.js';
import type { Partner } from '../registry/model.js';
import type { Registry } from '../registry/registry.js';

/** A product customers can register for: one partner's product, with its ARN in each Region. */
export interface ProductOffer {
  productKey: string;
  partnerId: string;
  partnerName: string;
  /** Region -> product ARN. A customer may register only these Regions. */
  productArns: Record<string, string>;
}

/**
 * The catalogue, built from the partners in the registry: each `<company>/<product>` of a partner's
 * product ARNs is one offer. A product key belongs to one partner (the admin tool refuses a second
 * owner); if two ever claimed one, the first partner by id keeps it, so the answer is stable.
 */
export function offersOf(partners: Partner[]): ProductOffer[] {
  const offers = new Map<string, ProductOffer>();
  for (const partner of [...partners].sort((a, b) => a.partnerId.localeCompare(b.partnerId))) {
    for (const arn of partner.productArns) {
      const parts = parseProductArn(arn);
      if (!parts) continue;
      const offer = offers.get(parts.productKey) ?? { productKey: parts.productKey, partnerId: partner.partnerId, partnerName: partner.name, productArns: {} };
      if (offer.partnerId !== partner.partnerId) continue;
      offer.productArns[parts.region] = arn;
      offers.set(parts.productKey, offer);
    }
  }
  return [...offers.values()].sort((a, b) => a.productKey.localeCompare(b.productKey));
}

export async function listProducts(registry: Registry): Promise<ProductOffer[]> {
  return offersOf(await registry.listPartners());
}

export async function findProduct(registry: Registry, productKey: string): Promise<ProductOffer | undefined> {
  return (await listProducts(registry)).find((offer) => offer.productKey === productKey);
}
