// Claims up to `wanted` tokens of a key's budget for one minute: one statement, so that instances claiming
// at the same moment are serialised by the row's lock and together are never granted more than the limit.
import { defineStatement } from './statement.js';

export interface ClaimRateLimitTokensInput {
  /** SHA-256 of the limit's scope and key (src/http/shared-rate-limit.ts): never the raw key or address. */
  keyDigest: string;
  /** The start of the aligned minute the tokens belong to. */
  windowStart: Date;
  /** Tokens asked for, at least 1. */
  wanted: number;
  /** The key's budget for the minute, at least 1. */
  limit: number;
}

export interface ClaimRateLimitTokensRow {
  /** Tokens granted to this claim: `wanted`, fewer when the minute's budget ran out, 0 when it had. */
  granted: number;
  /** The minute's tokens granted so far to every instance, this claim's included. */
  used: number;
}

/**
 * The first claim of a minute inserts the row; later ones add to `used` under the row lock that ON
 * CONFLICT DO UPDATE takes, each seeing the latest committed `used`. No read-then-write race between
 * instances and no transaction held open across a round trip: the claim commits at once.
 * `last_grant` is there to be read back: RETURNING shows the row after the update, and PostgreSQL before
 * 18 cannot return the old `used` the grant would follow from. The DO UPDATE's WHERE matches no spent row,
 * so no row returned means nothing granted.
 */
export const claimRateLimitTokens = defineStatement<
  ClaimRateLimitTokensInput,
  { used: number; lastGrant: number }
>({
  name: 'claim_rate_limit_tokens',
  text: `insert into rate_limit_windows as w (key_digest, window_start, used, last_grant)
    values ($1, $2::timestamptz, least($3::int, $4::int), least($3::int, $4::int))
    on conflict (key_digest, window_start) do update
      set used = w.used + least($3::int, $4::int - w.used), last_grant = least($3::int, $4::int - w.used)
      where w.used < $4::int
    returning used, last_grant`,
  values: (input) => [input.keyDigest, input.windowStart.toISOString(), input.wanted, input.limit],
  row: (raw) => ({ used: Number(raw.used), lastGrant: Number(raw.last_grant) }),
});

/** The claim's outcome from its returned row, or from its absence (the minute's budget was spent). */
export function grantOf(
  row: { used: number; lastGrant: number } | undefined,
  input: ClaimRateLimitTokensInput,
): ClaimRateLimitTokensRow {
  if (!row) return { granted: 0, used: input.limit };
  return { granted: row.lastGrant, used: row.used };
}
