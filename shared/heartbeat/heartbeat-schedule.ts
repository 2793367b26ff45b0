/**
 * When heartbeats run and how long a round may take; the CDK schedule, the local stack's timer and
 * the finding's own words all read these.
 */

/**
 * "Can you send Security Hub CSPM a "heartbeat" finding every five minutes that indicates that your
 * integration with Security Hub CSPM is functional?" (partner guide,
 * https://docs.aws.amazon.com/securityhub/latest/partnerguide/manifest-use-case-marketing.html#manifest-heartbeat-finding);
 * "The heartbeat finding is sent every five minutes" (partner guide, product-readiness-checklist.html).
 */
export const HEARTBEAT_INTERVAL_MINUTES = 5;
export const HEARTBEAT_INTERVAL_MS = HEARTBEAT_INTERVAL_MINUTES * 60_000;

/**
 * The heartbeat function's timeout. Assumption (the broker's choice): two minutes, as deliver's, well
 * inside the five-minute interval so two rounds never overlap; a round that cannot finish in time
 * leaves the rest for the next one (send-heartbeats.ts).
 */
export const HEARTBEAT_TIMEOUT_SECONDS = 120;
