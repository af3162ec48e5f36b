import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { UNSUPPORTED_FEATURES } from '../../../src/contract/index.js'
import { ATRIUM_BIN } from '../../support/cli-process.js'

// Realistic Kong, decK, Supabase and ingress-controller files, each run through the real
// `atrium config validate`: accepted, or rejected only for features Atrium lists as unsupported
// (src/contract/unsupported-features.ts), every listed one actually reported.

const DIR = fileURLToPath(new URL('../../../../test/fixtures/kong-files/', import.meta.url))
type Expected = { valid: true } | { unsupported: string[] }
const MANIFEST = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as Record<string, Expected>
const FILES = readdirSync(DIR).filter((f) => f !== 'manifest.json').sort()
const FEATURES = new Set<string>(UNSUPPORTED_FEATURES.map((f) => f.feature))

function validate (file: string): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ATRIUM_BIN, 'config', 'validate', `${DIR}${file}`], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), stdout, stderr })
    })
  })
}

/** The unsupported feature an error line reports, or null when it reports something else. */
function featureOf (line: string): string | null {
  const m = /: not supported by Atrium \(([a-z-]+)\)/.exec(line)
  if (m !== null) return m[1]
  return /\.name: unknown plugin "/.test(line) ? 'unbundled-plugins' : null
}

test('the corpus has 25+ files and the manifest names exactly them, with features from the unsupported table', () => {
  assert.ok(FILES.length >= 25, `only ${FILES.length} files`)
  assert.deepEqual(Object.keys(MANIFEST).sort(), FILES)
  for (const [file, expected] of Object.entries(MANIFEST)) {
    if ('unsupported' in expected) for (const f of expected.unsupported) assert.ok(FEATURES.has(f), `${file}: ${f} is not in UNSUPPORTED_FEATURES`)
  }
})

for (const file of FILES) {
  test(`atrium config validate ${file}: ${'valid' in (MANIFEST[file] ?? {}) ? 'accepted' : 'rejected only for unsupported features'}`, async () => {
    const expected = MANIFEST[file]
    const { code, stdout, stderr } = await validate(file)
    if ('valid' in expected) {
      assert.equal(code, 0, stderr)
      assert.match(stdout, /: valid \(/)
      return
    }
    assert.equal(code, 1, stdout)
    const errors = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: ') && !l.includes(': invalid ('))
    const seen = new Set<string>()
    for (const line of errors) {
      const feature = featureOf(line)
      assert.ok(feature !== null && expected.unsupported.includes(feature), `${file}: unexpected error: ${line}`)
      seen.add(feature)
    }
    assert.deepEqual([...seen].sort(), [...expected.unsupported].sort())
  })
}
