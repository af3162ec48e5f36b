import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'

const SRC = resolve(process.cwd(), 'src')

function tsFiles (dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) tsFiles(p, out)
    else if (name.endsWith('.ts')) out.push(p)
  }
  return out
}

/** Every relative import of a file, resolved to a path under src/. */
function importsOf (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    found.push(relative(SRC, resolve(dirname(file), m[1])))
  }
  return found
}

const RULES: Array<{ from: string, mustNotImport: string }> = [
  { from: 'data-plane', mustNotImport: 'control-plane' },
  { from: 'control-plane', mustNotImport: 'data-plane' },
  { from: 'contract', mustNotImport: 'data-plane' },
  { from: 'contract', mustNotImport: 'control-plane' }
]

for (const rule of RULES) {
  test(`src/${rule.from} never imports src/${rule.mustNotImport}`, () => {
    const files = tsFiles(join(SRC, rule.from))
    const offenders = files.flatMap((f) => importsOf(f)
      .filter((i) => i === rule.mustNotImport || i.startsWith(rule.mustNotImport + '/'))
      .map((i) => `${relative(SRC, f)} → ${i}`))
    assert.deepEqual(offenders, [])
  })
}

test('the import scanner sees the imports it is meant to police', () => {
  const imports = importsOf(join(SRC, 'data-plane', 'data-plane.ts'))
  assert.ok(imports.some((i) => i.startsWith('contract/')), JSON.stringify(imports))
})
