import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/** The product (what `dist/` ships) needs only its runtime dependencies: no bench, no test helper, no dev tool. */
describe('the production build', () => {
  const root = path.resolve(__dirname, '../..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };

  const filesUnder = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

  test('compiles the product floors only, not bench/ or test/', () => {
    expect(build.include.sort()).toEqual(['activities', 'domain', 'infra', 'platform', 'projections', 'services', 'workflows']);
  });

  test('every package the product imports is a runtime dependency', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const missing = new Set<string>();
    for (const dir of build.include) {
      for (const file of filesUnder(path.join(root, dir))) {
        const source = fs.readFileSync(file, 'utf8');
        for (const m of source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
          const spec = m[1] as string;
          if (builtins.has(spec) || builtins.has(spec.split('/')[0] as string)) continue;
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
          if (pkg.dependencies[name] === undefined) missing.add(`${name} (${path.relative(root, file)})`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});
