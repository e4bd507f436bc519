import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config';

/** Where `npm start` leaves the admin token it mints when no token exists: never on stdout (journals, CI logs keep it). */
export function adminTokenFile(cfg: Config): string {
  return path.join(cfg.dataDir, 'admin-token');
}

/** Writes the token readable by its owner only (0600), replacing any older file atomically, whatever that file's mode. */
export function saveAdminToken(file: string, token: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(staging, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(staging, 0o600);
  fs.renameSync(staging, file);
}

/** The lines `npm start` prints about the admin token: where it is and how to use it, never the token itself. */
export function adminTokenNotice(file: string, minted: boolean): string {
  const what = minted
    ? 'no API tokens existed, so an admin token was created and written to'
    : 'the admin token minted on the first start (unless revoked since) is in';
  return [
    `  Admin token  ${what} ${file} (mode 0600)`,
    `               export PARTNERFLOW_TOKEN=$(cat ${file})`,
    `               then create tokens for people: npm run partnerflow -- tokens create --name <person> --role <role>`,
  ].join('\n');
}
