// Deletes the rate-limit budgets of minutes long over, so the table holds only the keys seen lately.
import { defineStatement } from './statement.js';

/**
 * Minutes that started before `before` go. The caller passes a time a minute or more before the current
 * minute, so an instance whose clock lags a little still finds the row it is claiming from.
 */
export const sweepRateLimitWindows = defineStatement<{ before: Date }>({
  name: 'sweep_rate_limit_windows',
  text: 'delete from rate_limit_windows where window_start < $1::timestamptz',
  values: (input) => [input.before.toISOString()],
});
