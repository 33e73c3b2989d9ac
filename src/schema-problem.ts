// One finding of a schema or campaign check, as the API, the CLI, the console and the audit log show it.
// Outside salesrender/ because db/ stores findings too, and the two never import each other.

/** `error`: something LeadBridge sends would fail, or a routed field is gone; `warning`: worth a look. */
export type ProblemSeverity = 'error' | 'warning';

export interface SchemaProblem {
  /** A stable word: unreachable, document, input_left_out, input_coercion, attribution, order_field, status, logs, token. */
  kind: string;
  severity: ProblemSeverity;
  message: string;
  /** The input path or setting concerned, when there is one (`source.subid_4`, `status_map`). */
  path?: string;
  /** The campaign the problem belongs to, in a company-wide result. */
  campaign?: string;
}

export const hasError = (problems: readonly SchemaProblem[]): boolean =>
  problems.some((problem) => problem.severity === 'error');
