// Whether a tracker's 2xx answer says the postback was recorded: many answer 200 with an error in the body.

const regexForm = /^\/(.+)\/([a-z]*)$/s;

/** A `success_match` is a plain substring, or a regular expression written `/pattern/flags`. */
export function isValidSuccessMatch(match: string): boolean {
  const regex = regexForm.exec(match);
  if (!regex) return true;
  try {
    new RegExp(regex[1] ?? '', regex[2]);
    return true;
  } catch {
    return false;
  }
}

/** True when there is no `success_match`, or the answer's head contains it. */
export function answerMatches(head: string | null, match: string | undefined): boolean {
  if (!match) return true;
  const text = head ?? '';
  const regex = regexForm.exec(match);
  return regex ? new RegExp(regex[1] ?? '', regex[2]).test(text) : text.includes(match);
}
