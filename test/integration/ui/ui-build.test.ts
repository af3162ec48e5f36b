import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

// ui-dist/ is committed (the CP serves it; installs need no build). This keeps it honest: building
// ui/ again gives exactly the committed files, so a change to ui/ without `npm run build:ui` fails.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

function files (dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`
    if (e.isDirectory()) for (const [k, v] of files(dir, rel)) out.set(k, v)
    else out.set(rel, readFileSync(join(dir, rel), 'utf8'))
  }
  return out
}

test('the committed ui-dist is what ui/ builds to (run npm run build:ui after changing ui/)', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'atrium-ui-build-'))
  t.after(() => rmSync(out, { recursive: true, force: true }))
  await build({ configFile: join(ROOT, 'ui', 'vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } })
  const built = files(out)
  const committed = files(join(ROOT, 'ui-dist'))
  assert.deepEqual([...committed.keys()].sort(), [...built.keys()].sort(), 'ui-dist is stale: npm run build:ui')
  for (const [name, text] of built) assert.equal(committed.get(name), text, `${name} differs: npm run build:ui`)
})
