import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import JAR_SHA256 from './jars.sha256.json';
import { InfraError } from './processes';

/** Expected SHA-256 of each jar, by file name. */
export type JarManifest = Readonly<Record<string, string>>;

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** The checked-in SHA-256 of the jars of one cache folder (`kafka-4.4.0`…); a folder without them is refused. */
export function jarManifest(name: string): JarManifest {
  const manifest = (JAR_SHA256 as Record<string, JarManifest | string>)[name];
  if (manifest === undefined || typeof manifest === 'string') {
    throw new InfraError(
      `infra/jars.sha256.json has no SHA-256 for the ${name} jars, so they cannot be trusted. After a version change, ` +
        `check the downloaded jars (against Maven Central's .sha1 files) and record their SHA-256 there.`,
    );
  }
  return manifest;
}

/** What in `dir` differs from the manifest (a changed, missing or unexpected jar); empty when every jar matches. */
export async function jarMismatches(dir: string, manifest: JarManifest): Promise<string[]> {
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.jar')) : [];
  const problems = present.filter((f) => !(f in manifest)).map((f) => `${f} is not in the manifest`);
  for (const [file, expected] of Object.entries(manifest)) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) {
      problems.push(`${file} is missing`);
      continue;
    }
    const actual = await sha256File(full);
    if (actual !== expected) problems.push(`${file} has SHA-256 ${actual}, expected ${expected}`);
  }
  return problems;
}

/** Throws, naming every jar at fault, unless `dir` holds exactly the manifest's jars with their SHA-256. */
export async function verifyJars(dir: string, manifest: JarManifest): Promise<void> {
  const problems = await jarMismatches(dir, manifest);
  if (problems.length > 0) throw new InfraError(`the jars in ${dir} do not match infra/jars.sha256.json, so they are refused:\n  ${problems.join('\n  ')}`);
}

const hashFileOf = (binary: string) => `${binary}.sha256`;

/** Records a locally built binary's SHA-256 beside it, as it comes out of the build. */
export async function recordBinaryHash(binary: string): Promise<void> {
  fs.writeFileSync(hashFileOf(binary), `${await sha256File(binary)}\n`);
}

/** Why a cached binary must not be used (tampered, corrupted, or no hash recorded at build time); undefined when it is fine. */
export async function binaryRefusal(binary: string): Promise<string | undefined> {
  if (!fs.existsSync(binary)) return 'not built yet';
  let recorded: string;
  try {
    recorded = fs.readFileSync(hashFileOf(binary), 'utf8').trim();
  } catch {
    return `no SHA-256 was recorded when ${binary} was built`;
  }
  const actual = await sha256File(binary);
  return actual === recorded ? undefined : `${binary} has SHA-256 ${actual}, not the ${recorded} recorded when it was built (tampered with or corrupted)`;
}
