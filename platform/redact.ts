/**
 * Credentials never reach output: every URL a process prints (status lines, errors, benches) and every value a
 * configuration error echoes goes through here. One owner, so a new printer cannot forget a copy of the rule.
 */

const CREDENTIALS_IN_URL = /\b([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/gi;

/** A URL with its user and password replaced by `***` (`redis://***@host:6379`); text that is not a URL is returned as is. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Text with the credentials of every URL in it replaced by `***` (error messages quote URLs). */
export function redactText(text: string): string {
  return text.replace(CREDENTIALS_IN_URL, (_m, scheme: string) => `${scheme}***@`);
}

/** Variables whose values are secrets: never echoed, whatever is wrong with them. */
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|API_KEY|_KEY$|CREDENTIAL)/i;

/** How a configuration error may quote a variable's value: not at all for a secret, with credentials hidden otherwise, and cut short. */
export function quoteValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return '(value hidden)';
  const shown = redactText(value);
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 80)}…` : shown);
}
