// How the console lists problems a SalesRender schema or campaign check found: errors first, each escaped.
import type { SchemaProblem } from '../schema-problem.js';
import { html, type SafeHtml } from './html.js';

/** Errors before warnings; otherwise the order the check found them in. */
export function errorsFirst<Problem extends SchemaProblem>(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
}

/** "OK", or "2 errors, 1 warning" (a badge coloured by the worst one). */
export function problemSummary(problems: readonly SchemaProblem[]): SafeHtml {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length === 0) return html`<span class="badge accepted">OK</span>`;
  const text = [
    errors ? `${errors} error${errors === 1 ? '' : 's'}` : '',
    warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return html`<span class="badge ${errors ? 'failed' : 'pending'}">${text}</span>`;
}

/** One problem as a list item: severity, kind, where (module, campaign, input path) and the message. */
function problemItem(problem: SchemaProblem & { module?: string }): SafeHtml {
  const where = [problem.module, problem.campaign, problem.path].filter(Boolean).join(' · ');
  return html`<li data-severity="${problem.severity}" data-kind="${problem.kind}">
    <span class="badge ${problem.severity === 'error' ? 'failed' : 'pending'}">${problem.severity}</span>
    <code>${problem.kind}</code>${where ? html` <span class="muted">${where}</span>` : ''}
    — <span class="problem-message">${problem.message}</span></li>`;
}

export function problemList(problems: readonly (SchemaProblem & { module?: string })[]): SafeHtml {
  if (problems.length === 0) return html``;
  return html`<ul class="problems">${errorsFirst(problems).map(problemItem)}</ul>`;
}
