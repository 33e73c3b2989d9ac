// "3 h ago" for the console, with the exact UTC instant in the element's title and datetime.
import { html, type SafeHtml } from './html.js';

const units: [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'h'],
  [60_000, 'min'],
];

/** How long before `now` the instant was, in its largest whole unit; "just now" under a minute (or ahead). */
export function relativeTime(at: Date, now: Date): string {
  const elapsed = now.getTime() - at.getTime();
  for (const [size, unit] of units) {
    const count = Math.floor(elapsed / size);
    if (count >= 1) return `${count} ${unit === 'day' && count > 1 ? 'days' : unit} ago`;
  }
  return 'just now';
}

/** A `<time>` element reading "3 h ago", the ISO instant in `datetime` and `title`. */
export function timeAgo(at: Date | string, now: Date): SafeHtml {
  const instant = typeof at === 'string' ? new Date(at) : at;
  const iso = instant.toISOString();
  return html`<time datetime="${iso}" title="${iso}">${relativeTime(instant, now)}</time>`;
}
