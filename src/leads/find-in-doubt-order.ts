// Looks for the order an in-doubt create call may have made, before the lead is sent again.
import type { GraphQLSchema } from 'graphql';
import type { CrmClient } from '../salesrender/crm-client.js';
import { orderCreationsDocument } from '../salesrender/documents.js';
import { logCreationAction } from '../salesrender/live-schema.js';

export type InDoubtLookup =
  | { kind: 'found'; orderId: string }
  | { kind: 'not_found' }
  | { kind: 'no_way'; reason: string };

const pageSize = 100;
/** A busy company creates many orders a minute; past this many pages the window is not read further. */
const maxPages = 20;
/** Clocks differ between SalesRender and LeadBridge: the window is widened on both sides. */
const clockSlackMs = 2 * 60_000;

interface LogEntry {
  new?: {
    id?: unknown;
    source?: Record<string, unknown>;
    data?: { stringFields?: { field?: { name?: unknown }; value?: unknown }[] };
  } | null;
}

/** True when the logged order carries our lead id where the campaign writes it. */
function carriesReference(entry: LogEntry, referenceTarget: string, leadId: string): boolean {
  const order = entry.new;
  if (!order) return false;
  if (referenceTarget.startsWith('source.'))
    return order.source?.[referenceTarget.slice('source.'.length)] === leadId;
  return (order.data?.stringFields ?? []).some(
    (field) => field.field?.name === referenceTarget && field.value === leadId,
  );
}

/**
 * The CRM order carries no reference of ours unless the campaign writes one (`fields.lead_id`), and no
 * order filter but ids is known; the change log is the only "created since" query seen [field]. So: the
 * order creations logged in the window, matched on our reference. Throws (SalesRenderError) when the log
 * cannot be read now: the lead is then not sent again until it can be.
 */
export async function findInDoubtOrder(
  client: CrmClient,
  schema: GraphQLSchema | null,
  options: { referenceTarget: string | null; leadId: string; from: Date; to: Date },
): Promise<InDoubtLookup> {
  if (!options.referenceTarget)
    return {
      kind: 'no_way',
      reason: 'the campaign writes no reference of ours (salesrender.fields.lead_id)',
    };
  const creationAction = schema ? logCreationAction(schema) : null;
  if (!creationAction)
    return { kind: 'no_way', reason: "the company's logsFetcher cannot return order creations" };
  for (let pageNumber = 1; pageNumber <= maxPages; pageNumber++) {
    const data = await client.graphql<{ logsFetcher?: { log?: LogEntry[] } }>(
      'logsFetcher',
      orderCreationsDocument({
        creationAction,
        referenceTarget: options.referenceTarget,
        from: new Date(options.from.getTime() - clockSlackMs),
        to: new Date(options.to.getTime() + clockSlackMs),
        pageNumber,
        pageSize,
      }),
    );
    const entries = data.logsFetcher?.log ?? [];
    const match = entries.find((entry) =>
      carriesReference(entry, options.referenceTarget as string, options.leadId),
    );
    if (match?.new?.id !== undefined && match.new.id !== null)
      return { kind: 'found', orderId: String(match.new.id) };
    if (entries.length < pageSize) return { kind: 'not_found' };
  }
  return { kind: 'not_found' };
}
