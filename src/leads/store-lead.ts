// Stores new leads with their audit rows unless an earlier lead matches: one statement, shared by concurrent leads under load.
import type { AuditEntry, AuditWriter } from '../audit/audit-writer.js';
import type { Orm } from '../db/connection.js';
import { executeSql } from '../db/sql/statement.js';
import {
  type StoreLeadsInput,
  type StoreLeadsRow,
  storeLeads as storeLeadsStatement,
} from '../db/sql/store-leads.js';
import { StatementBatcher } from '../db/statement-batcher.js';
import type { CapCounts, LeadCaps } from './lead-caps.js';
import type { DuplicateRule, EarlierLeadMatch, LeadRow } from './lead-repository.js';

export interface LeadToStore {
  lead: LeadRow;
  match: EarlierLeadMatch;
  /** The caps the lead is taken under (null: none; the lead is not counted). */
  caps?: LeadCaps | null;
  /** The raw request's row, when not on record yet: written whatever the outcome, before the acceptance. */
  received: AuditEntry | null;
  /** Written only if the lead is stored. */
  accepted: AuditEntry;
}

/**
 * What became of a lead: stored (its acceptance written, its cap slot taken); or not stored, with the
 * earlier lead a duplicate rule found, the counts that left no room under a cap, or no counter row yet
 * for its campaign's caps (the caller opens one, open-cap-counter.ts, and submits the lead again).
 */
export type StoreLeadResult =
  | { kind: 'stored' }
  | { kind: 'duplicate'; rule: DuplicateRule; earlier: Record<string, unknown> }
  | { kind: 'cap_refused'; counts: CapCounts }
  | { kind: 'no_cap_counter' };

/** The statement's input for `items` (see src/db/sql/store-leads.ts). */
function storeLeadsInput(audit: AuditWriter, items: LeadToStore[]): StoreLeadsInput {
  return {
    leads: items.map(({ lead, match, caps }) => ({
      lead,
      since: match.since,
      phoneCampaignIds: match.phoneCampaignIds ?? [lead.campaignId],
      ipSince: match.ipSince ?? null,
      caps: caps
        ? {
            day: caps.day,
            daily: caps.campaign.daily ?? null,
            total: caps.campaign.total ?? null,
            partnerDaily: caps.partner.daily ?? null,
            partnerTotal: caps.partner.total ?? null,
          }
        : null,
    })),
    auditRows: audit.batchJson(
      items.flatMap((item) => [
        ...(item.received ? [{ entry: item.received }] : []),
        { entry: item.accepted, onlyIfIn: item.lead.id },
      ]),
    ),
  };
}

const rules: DuplicateRule[] = ['click', 'phone', 'ip'];

/** One lead's outcome from its returned row (none: stored, uncapped). */
function resultFrom(row: StoreLeadsRow | undefined): StoreLeadResult {
  if (!row) return { kind: 'stored' };
  if (row.earlier) {
    return { kind: 'duplicate', rule: rules[Number(row.rank)] ?? 'phone', earlier: row.earlier };
  }
  if (!row.counted) return { kind: 'no_cap_counter' };
  if (row.granted === true) return { kind: 'stored' };
  const partner = row.partnerCounts ?? {};
  return {
    kind: 'cap_refused',
    counts: {
      granted: false,
      campaignDay: Number(row.dayUsed),
      campaignTotal: Number(row.totalUsed),
      partnerDay: Number(partner.day_used ?? 0),
      partnerTotal: Number(partner.total_used ?? 0),
    },
  };
}

/** Stores `items` in one statement; answers what became of each. */
export async function storeLeads(
  db: Orm,
  audit: AuditWriter,
  items: LeadToStore[],
): Promise<StoreLeadResult[]> {
  const rows = await executeSql(db, storeLeadsStatement, storeLeadsInput(audit, items));
  const byLead = new Map(rows.map((row) => [row.forLead, row]));
  return items.map((item) => resultFrom(byLead.get(item.lead.id)));
}

export type LeadStore = StatementBatcher<LeadToStore, StoreLeadResult>;

/** The intake's lead store: concurrent leads share one statement and one commit under load. */
export function createLeadStore(
  db: Orm,
  audit: AuditWriter,
  options: {
    maxBatch?: number;
    maxInFlight?: number;
    /** Why a shared statement failed before its items were written one by one (see StatementBatcher). */
    onBatchError?: (error: unknown, items: number) => void;
  } = {},
): LeadStore {
  return new StatementBatcher<LeadToStore, StoreLeadResult>({
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 4,
    onBatchError: options.onBatchError,
    conflictKeys: ({ lead, match, caps }) => [
      // Per SalesRender company: a campaign whose phone rule looks at the company's other campaigns
      // must see their leads of the same phone, whatever their own scope.
      `phone\u0000${match.company ?? lead.campaignId}\u0000${lead.phone}`,
      ...(lead.clickId ? [`click\u0000${lead.campaignId}\u0000${lead.clickId}`] : []),
      ...(lead.idempotencyKey ? [`key\u0000${lead.partnerId}\u0000${lead.idempotencyKey}`] : []),
      ...(match.ipSince && lead.ip ? [`ip\u0000${lead.campaignId}\u0000${lead.ip}`] : []),
      ...(caps ? [`cap\u0000${lead.campaignId}`] : []),
    ],
    runOne: async (item) => (await storeLeads(db, audit, [item]))[0] ?? { kind: 'stored' },
    runBatch: (items) => storeLeads(db, audit, items),
  });
}
