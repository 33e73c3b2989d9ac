// Which SalesRender connection a campaign's input names, and which token the campaign keeps of its own.

import { defaultSalesRenderBaseUrl } from '../connections/connection-input.js';
import {
  type Connection,
  type ConnectionDeps,
  createConnection,
  findConnectionByCompany,
  findConnectionById,
  updateConnection,
} from '../connections/connection-repository.js';
import type { Executor } from '../db/connection.js';
import { AppError } from '../errors.js';
import type { CampaignCreateInput } from './campaign-input.js';

export interface CampaignConnection {
  connection: Connection;
  /** The campaign's `sr_token_encrypted`: a CRM override of the connection's token, or the CPA webmaster's. */
  ownTokenEncrypted: string | null;
}

const invalid = (field: string, reason: string) =>
  new AppError('VALIDATION_FAILED', undefined, { fields: { [field]: reason } });

/**
 * The connection is `connection_id`'s, or the one of `salesrender.base_url` + `company_id` (created on
 * first use, so a campaign body written before connections existed still works). A CRM campaign's token
 * is kept only when it differs from the connection's; a connection without a CRM token takes it.
 */
export async function resolveCampaignConnection(
  db: Executor,
  input: CampaignCreateInput,
  deps: ConnectionDeps,
): Promise<CampaignConnection> {
  const sr = input.salesrender;
  let connection = input.connection_id ? await findConnectionById(db, input.connection_id) : null;
  if (input.connection_id) {
    if (!connection) throw invalid('connection_id', 'no SalesRender connection has this id');
    if (sr.base_url && sr.base_url !== connection.baseUrl)
      throw invalid('salesrender.base_url', `differs from the connection's (${connection.baseUrl})`);
    if (sr.company_id && sr.company_id !== connection.companyId)
      throw invalid('salesrender.company_id', `differs from the connection's (${connection.companyId})`);
  } else {
    connection = await findOrCreateConnection(
      db,
      sr.base_url ?? defaultSalesRenderBaseUrl,
      sr.company_id ?? '',
      deps,
    );
  }
  if (input.module === 'cpa') {
    return { connection, ownTokenEncrypted: sr.token ? deps.cipher.encrypt(sr.token) : null };
  }
  if (!sr.token) {
    if (!connection.tokenEncrypted)
      throw invalid('salesrender.token', `required: connection ${connection.id} has no CRM token`);
    return { connection, ownTokenEncrypted: null };
  }
  if (!connection.tokenEncrypted) {
    connection = await updateConnection(db, connection.id, { token: sr.token }, deps);
    return { connection, ownTokenEncrypted: null };
  }
  const same = deps.cipher.decrypt(connection.tokenEncrypted) === sr.token;
  return { connection, ownTokenEncrypted: same ? null : deps.cipher.encrypt(sr.token) };
}

async function findOrCreateConnection(
  db: Executor,
  baseUrl: string,
  companyId: string,
  deps: ConnectionDeps,
): Promise<Connection> {
  const found = await findConnectionByCompany(db, baseUrl, companyId);
  if (found) return found;
  try {
    return await createConnection(
      db,
      { name: `Company ${companyId} at ${new URL(baseUrl).host}`, base_url: baseUrl, company_id: companyId },
      deps,
    );
  } catch (error) {
    // Another request connected the same company a moment ago: use that one.
    const raced = await findConnectionByCompany(db, baseUrl, companyId);
    if (raced) return raced;
    throw error;
  }
}
