import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm ci` installs exactly the lock file and refuses one that does not match package.json, so CI and a fresh clone
 * install without rewriting a tracked file. It also refuses a lock that leaves out another platform's optional
 * binaries (npm install writes them all); this keeps the lock complete.
 */
describe('package-lock.json', () => {
  const root = path.resolve(__dirname, '../..');
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<
      string,
      { version?: string; optionalDependencies?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
    >;
  };
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  test('lists every optional dependency of every package, for every platform', () => {
    const missing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // Resolved as Node does: the nearest node_modules up from the package that depends on it.
        const candidates: string[] = [];
        for (let dir = where; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
          candidates.push(`${dir === '' ? '' : `${dir}/`}node_modules/${name}`);
          if (dir === '' || !dir.includes('/node_modules/')) {
            if (dir !== '') candidates.push(`node_modules/${name}`);
            break;
          }
        }
        if (!candidates.some((c) => c in lock.packages)) missing.push(`${name} (optional dependency of ${where || 'the project'})`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('matches package.json', () => {
    const locked = lock.packages[''] ?? {};
    expect(locked.dependencies).toEqual(pkg.dependencies);
    expect(locked.devDependencies).toEqual(pkg.devDependencies);
  });
});
