import { createHmac } from "node:crypto";
import { Types, type Connection } from "mongoose";
import type { UseCaseContext } from "../ledger";
import { OrganizationRepository } from "../organizations";
import type { Logger } from "../../platform/logger";
import { EpcisNamedQueryRepository } from "./data/epcis-named-query.repository";
import type { EpcisSubscriptionDoc } from "./data/epcis-named-query.model";
import { epcisQueryDocument } from "./domain/documents";
import { nextScheduledTime } from "./domain/query-schedule";
import { parseSimpleEventQuery } from "./domain/simple-event-query";
import { runSimpleEventQuery } from "./epcis-query";

export interface SubscriptionWorkerOptions {
  /** How often due subscriptions are looked for (and a stream's latency). */
  pollMs: number;
  /** First retry delay after a failed delivery; doubled per failure up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** PUBLIC_BASE_URL: the base of identifiers in delivered events. */
  base: string;
}

/** Events per delivery; a larger backlog goes out in several, one right after another. */
const EVENTS_PER_DELIVERY = 100;
/** Events younger than this wait for the next poll: a writer that took an id earlier may still commit it. */
const SETTLE_MS = 1_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const LEASE_MS = 60_000;

/**
 * Delivers the results of subscribed named queries to their webhooks (decision 0032). Every poll
 * it leases each due subscription (a compare-and-set, so one instance delivers it), runs its
 * query as the owning organization after the subscription's cursor, POSTs the EPCISQueryDocument,
 * and moves the cursor only after a 2xx answer: delivery is at least once, each event carrying its
 * eventID for the receiver to drop repeats. A failure is retried with exponential back-off.
 */
export class EpcisSubscriptionWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly repository: EpcisNamedQueryRepository;

  constructor(
    private readonly deps: { connection: Connection; useCaseContext: UseCaseContext; logger: Logger },
    private readonly options: SubscriptionWorkerOptions,
  ) {
    this.repository = new EpcisNamedQueryRepository(deps.connection);
  }

  start(): void {
    const tick = () => {
      this.running = this.deliverDue()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, "EPCIS subscription poll failed"))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, this.options.pollMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One poll: every due subscription gets one delivery attempt. */
  async deliverDue(): Promise<void> {
    const nowMs = this.deps.useCaseContext.now().getTime();
    for (const id of await this.repository.dueIds(nowMs, 100)) {
      const subscription = await this.repository.lease(id, nowMs, nowMs + LEASE_MS);
      if (subscription) await this.deliver(subscription, nowMs);
    }
  }

  private async deliver(subscription: EpcisSubscriptionDoc, nowMs: number): Promise<void> {
    const { logger } = this.deps;
    const named = await this.repository.findQuery(subscription.orgId, subscription.queryName);
    const owner = await new OrganizationRepository(this.deps.connection).findById(subscription.orgId);
    if (!named || !owner) {
      await this.repository.deleteSubscription(
        subscription.orgId,
        subscription.queryName,
        subscription._id.toHexString(),
      );
      return;
    }
    const parsed = parseSimpleEventQuery({
      ...named.parameters,
      perPage: String(EVENTS_PER_DELIVERY),
      nextPageToken: subscription.cursor,
    });
    if (!parsed.ok)
      throw new Error(`stored query ${named.name} no longer parses: ${JSON.stringify(parsed.problems)}`);
    const page = await runSimpleEventQuery(
      this.deps.useCaseContext,
      { orgId: owner._id.toHexString(), roles: owner.roles },
      parsed.query,
      this.options.base,
      { before: Types.ObjectId.createFromTime(Math.floor((nowMs - SETTLE_MS) / 1000)) },
    );
    const cursor = page.lastExamined ?? subscription.cursor;
    const scheduled = subscription.schedule
      ? nextScheduledTime(subscription.schedule, new Date(nowMs))
      : null;
    // A backlog continues at once; otherwise a stream looks again next poll, a schedule at its next time.
    const nextAttemptAtMs = page.nextPageToken || !scheduled ? nowMs : scheduled.getTime();
    if (page.events.length === 0 && !(subscription.schedule && subscription.reportIfEmpty)) {
      await this.repository.advance(subscription, { cursor, delivered: 0, nextAttemptAtMs });
      return;
    }
    const body = JSON.stringify(
      epcisQueryDocument(page.events, {
        creationDate: new Date(nowMs),
        nextCursor: null,
        queryName: subscription.queryName,
        subscriptionID: subscription._id.toHexString(),
      }),
    );
    const failure = await post(subscription, body);
    if (failure === null) {
      await this.repository.advance(subscription, { cursor, delivered: page.events.length, nextAttemptAtMs });
      logger.info(
        { subscriptionId: subscription._id.toHexString(), events: page.events.length },
        "EPCIS subscription delivered",
      );
      return;
    }
    const delay = Math.min(this.options.backoffMs * 2 ** subscription.attempts, this.options.maxBackoffMs);
    await this.repository.backOff(subscription, failure, nowMs + delay);
    logger.warn(
      {
        subscriptionId: subscription._id.toHexString(),
        attempts: subscription.attempts + 1,
        retryInMs: delay,
        failure,
      },
      "EPCIS subscription delivery failed; retrying",
    );
  }
}

/** POSTs one result document; null when the destination answered 2xx, else why not. */
async function post(subscription: EpcisSubscriptionDoc, body: string): Promise<string | null> {
  const headers: Record<string, string> = {
    "content-type": "application/ld+json",
    "gs1-epcis-version": "2.0.0",
    "gs1-cbv-version": "2.0.0",
  };
  if (subscription.signatureToken)
    headers["gs1-signature"] =
      `sha256=${createHmac("sha256", subscription.signatureToken).update(body).digest("hex")}`;
  try {
    const response = await fetch(subscription.dest, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok ? null : `destination answered ${response.status}`;
  } catch (error) {
    return `destination unreachable: ${(error as Error).message}`;
  }
}
