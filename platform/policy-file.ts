import { PolicyFileError } from './errors';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { defaultPolicy, parsePolicy, type Policy } from '../domain/policy';

/** A policy file that cannot be used; the message names the file and, for invalid content, every field at fault. */
export { PolicyFileError };

/**
 * Loads and validates the policy at `file` (`.json`, or YAML for anything else: YAML is a superset of JSON).
 * No path means the default policy built from DOMAIN.md.
 */
export async function loadPolicyFile(file?: string): Promise<Policy> {
  if (file === undefined || file.trim() === '') return defaultPolicy;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PolicyFileError(file, `cannot read policy file ${file}: ${messageOf(e)}`);
  }
  return parsePolicyText(text, file);
}

/** Parses and validates policy text as read from `file` (the name decides JSON or YAML and appears in errors). */
export function parsePolicyText(text: string, file: string): Policy {
  const json = path.extname(file).toLowerCase() === '.json';
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new PolicyFileError(file, `policy file ${file} is not valid ${json ? 'JSON' : 'YAML'}: ${messageOf(e)}`);
  }
  const parsed = parsePolicy(raw);
  if (!parsed.ok) throw new PolicyFileError(file, `policy file ${file} is invalid: ${parsed.message}`);
  return parsed.policy;
}

// Not `instanceof Error`: errors from another realm (a test sandbox, a worker) fail that check.
function messageOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e);
}
