// Whether a tracker's 2xx answer says the postback was recorded: many answer 200 with an error in the body.
import { RE2 } from 're2-wasm';

/** `/pattern/flags` is a regular expression; anything else a plain substring. */
const regexForm = /^\/(.+)\/([a-z]*)$/s;

/**
 * The pattern runs on RE2 (linear time): it is an operator's, but the text is the tracker's, and a
 * backtracking engine on the event loop could be stalled by both together (ReDoS). So RE2's syntax:
 * no backreferences or lookarounds.
 */
function compile(match: string): RE2 | null {
  const regex = regexForm.exec(match);
  if (!regex) return null;
  const flags = (regex[2] ?? '').replace(/[gyu]/g, '');
  return new RE2(regex[1] ?? '', `${flags}u`);
}

/** A `success_match` is a plain substring, or a regular expression written `/pattern/flags` (RE2 syntax). */
export function isValidSuccessMatch(match: string): boolean {
  try {
    compile(match);
    return true;
  } catch {
    return false;
  }
}

const compiled = new Map<string, RE2 | null>();

/** True when there is no `success_match`, or the answer's head contains it. */
export function answerMatches(head: string | null, match: string | undefined | null): boolean {
  if (!match) return true;
  const text = head ?? '';
  if (!compiled.has(match)) {
    if (compiled.size > 1000) compiled.clear();
    compiled.set(match, compile(match));
  }
  const regex = compiled.get(match);
  return regex ? regex.test(text) : text.includes(match);
}
