import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryRefusal, jarManifest, jarMismatches, recordBinaryHash, verifyJars } from '../../../infra/checksums';
import { VERSIONS } from '../../../infra/provision';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('what provisioning downloads and builds is used only with the SHA-256 it should have', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-sha-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('jars, against the checked-in manifest', () => {
    const manifest = { 'a-1.0.jar': sha256('jar a'), 'b-2.0.jar': sha256('jar b') };
    beforeEach(() => {
      fs.writeFileSync(path.join(dir, 'a-1.0.jar'), 'jar a');
      fs.writeFileSync(path.join(dir, 'b-2.0.jar'), 'jar b');
      fs.writeFileSync(path.join(dir, '.complete'), 'not a jar: ignored');
    });

    test('exactly the manifest’s jars with their hashes are accepted', async () => {
      expect(await jarMismatches(dir, manifest)).toEqual([]);
      await expect(verifyJars(dir, manifest)).resolves.toBeUndefined();
    });

    test('a tampered jar is refused, by name', async () => {
      fs.appendFileSync(path.join(dir, 'b-2.0.jar'), ' with a backdoor');
      await expect(verifyJars(dir, manifest)).rejects.toThrow(/b-2\.0\.jar has SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}/);
    });

    test('a missing jar, or one the manifest does not list, is refused', async () => {
      fs.rmSync(path.join(dir, 'a-1.0.jar'));
      fs.writeFileSync(path.join(dir, 'extra-1.0.jar'), 'smuggled');
      expect(await jarMismatches(dir, manifest)).toEqual(['extra-1.0.jar is not in the manifest', 'a-1.0.jar is missing']);
    });

    test('the manifest covers the versions provisioning downloads, and refuses a folder it does not know', () => {
      expect(Object.keys(jarManifest(`kafka-${VERSIONS.kafka}`))).toContain(`kafka_2.13-${VERSIONS.kafka}.jar`);
      expect(Object.keys(jarManifest(`temporal-test-server-${VERSIONS.temporalTestServer}`))).toContain(
        `temporal-test-server-${VERSIONS.temporalTestServer}.jar`,
      );
      expect(() => jarManifest('kafka-0.0.1')).toThrow(/no SHA-256 for the kafka-0\.0\.1 jars/);
    });
  });

  describe('a locally built binary, against the hash recorded when it was built', () => {
    test('is used while unchanged', async () => {
      const bin = path.join(dir, 'temporal');
      fs.writeFileSync(bin, 'binary as built');
      await recordBinaryHash(bin);
      expect(await binaryRefusal(bin)).toBeUndefined();
    });

    test('is refused once tampered with, with a clear reason', async () => {
      const bin = path.join(dir, 'temporal');
      fs.writeFileSync(bin, 'binary as built');
      await recordBinaryHash(bin);
      fs.writeFileSync(bin, 'binary as built, then patched');
      expect(await binaryRefusal(bin)).toMatch(/has SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} recorded when it was built \(tampered with or corrupted\)/);
    });

    test('is refused when no hash was recorded for it, or when it is not there', async () => {
      const bin = path.join(dir, 'temporal');
      expect(await binaryRefusal(bin)).toBe('not built yet');
      fs.writeFileSync(bin, 'from an older cache');
      expect(await binaryRefusal(bin)).toMatch(/no SHA-256 was recorded/);
    });
  });
});
