import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

/**
 * The local Redis needs a password: anyone on the machine can reach 127.0.0.1, and tokens and read models live there.
 * The password is made at the first start, kept in the data dir (0600) and handed to redis-server in a 0600 config
 * file, never on its command line (where `ps` shows it). Every client of the local Redis reads it from the same file;
 * a REDIS_URL that carries its own credentials is used as it is.
 */
export function localRedisPasswordFile(cfg: Config): string {
  return path.join(cfg.dataDir, 'redis-password');
}

/** The local Redis's password, or undefined when none was made yet (a Redis started before passwords) or Redis is not local. */
export function localRedisPassword(cfg: Config): string | undefined {
  if (!cfg.redis.local) return undefined;
  const url = new URL(cfg.redis.url);
  if (url.password !== '' || url.username !== '') return undefined;
  try {
    return fs.readFileSync(localRedisPasswordFile(cfg), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Makes the password if there is none yet, writes redis-server's config file with it, and returns that file's path. */
export function localRedisConfigFile(cfg: Config): string {
  const file = localRedisPasswordFile(cfg);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let password = localRedisPassword(cfg);
  if (password === undefined) {
    password = crypto.randomBytes(24).toString('base64url');
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  }
  const conf = path.join(cfg.dataDir, 'redis', 'auth.conf');
  fs.mkdirSync(path.dirname(conf), { recursive: true });
  fs.writeFileSync(conf, `requirepass ${password}\n`, { mode: 0o600 });
  fs.chmodSync(conf, 0o600);
  return conf;
}
