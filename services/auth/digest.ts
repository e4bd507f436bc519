import { createHash } from 'node:crypto';

/** Hex SHA-256 of a string: token hashes, idempotency keys and request fingerprints. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
