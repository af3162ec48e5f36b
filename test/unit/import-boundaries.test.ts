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
  { from: 'contract', mustNotImport: 'control-plane' },
  { from: 'contract', mustNotImport: 'router' },
  { from: 'router', mustNotImport: 'data-plane' },
  { from: 'router', mustNotImport: 'control-plane' }
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

// Plugins: specs (schemas) are data every part may load; handlers are request-path code only the
// data plane loads. Plugins see the world through the context in src/plugins/types.ts.
const PLUGIN_HANDLER = /^plugins\/(handlers|[^/]+\/handler)\.js$/
const PLUGIN_SCHEMA_FILES = /^plugins\/(spec|schemas|schema-types|[^/]+\/schema)\.ts$/
// Data with no imports of its own, which schemas may use: the table of unsupported Kong features
// (the log plugins reject custom_fields_by_lua with its message).
const SCHEMA_DATA_FILES = /^contract\/unsupported-features\.ts$/

for (const from of ['contract', 'control-plane']) {
  test(`src/${from} may load plugin schemas but never plugin handlers`, () => {
    const offenders = tsFiles(join(SRC, from)).flatMap((f) => importsOf(f)
      .filter((i) => PLUGIN_HANDLER.test(i))
      .map((i) => `${relative(SRC, f)} → ${i}`))
    assert.deepEqual(offenders, [])
  })
}

test('src/plugins never imports the control plane or the data plane', () => {
  const offenders = tsFiles(join(SRC, 'plugins')).flatMap((f) => importsOf(f)
    .filter((i) => i.startsWith('control-plane/') || i.startsWith('data-plane/'))
    .map((i) => `${relative(SRC, f)} → ${i}`))
  assert.deepEqual(offenders, [])
})

test('plugin schema modules import only other schema modules (so loading a schema never loads request-path code)', () => {
  const files = tsFiles(join(SRC, 'plugins')).filter((f) => PLUGIN_SCHEMA_FILES.test(relative(SRC, f)))
  assert.ok(files.length >= 4, files.join(', '))
  const offenders = files.flatMap((f) => importsOf(f)
    .filter((i) => !PLUGIN_SCHEMA_FILES.test(i.replace(/\.js$/, '.ts')) && !SCHEMA_DATA_FILES.test(i.replace(/\.js$/, '.ts')))
    .map((i) => `${relative(SRC, f)} → ${i}`))
  assert.deepEqual(offenders, [])
  const data = join(SRC, 'contract', 'unsupported-features.ts')
  assert.deepEqual(importsOf(data), [], 'unsupported-features.ts must stay data without imports')
})

test('nothing outside src/cli and src/cli.ts imports src/cli (the planes share src/defaults.ts and src/listen-address.ts)', () => {
  const offenders = tsFiles(SRC)
    .filter((f) => !relative(SRC, f).startsWith('cli/') && relative(SRC, f) !== 'cli.ts')
    .flatMap((f) => importsOf(f).filter((i) => i.startsWith('cli/')).map((i) => `${relative(SRC, f)} → ${i}`))
  assert.deepEqual(offenders, [])
})

test('the import scanner sees the imports it is meant to police', () => {
  const imports = importsOf(join(SRC, 'data-plane', 'data-plane.ts'))
  assert.ok(imports.some((i) => i.startsWith('contract/')), JSON.stringify(imports))
})

/** The strongly connected components of more than one file in `graph` (Tarjan): each is an import cycle. */
function importCycles (graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0
  const stack: string[] = []
  const onStack = new Set<string>()
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const cycles: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
      }
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    let w: string
    do {
      w = stack.pop() as string
      onStack.delete(w)
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort())
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return cycles
}

test('src has no import cycles, type-only imports included', () => {
  const graph = new Map<string, string[]>()
  for (const f of tsFiles(SRC)) graph.set(relative(SRC, f), importsOf(f).map((i) => i.replace(/\.js$/, '.ts')))
  assert.ok(graph.size > 100, `scanned ${graph.size} files`)
  assert.deepEqual(importCycles(graph), [])
})

test('the cycle finder reports a cycle through type imports and none in a chain', () => {
  assert.deepEqual(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]])), [['a.ts', 'b.ts', 'c.ts']])
  assert.deepEqual(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', []]])), [])
  const file = join(SRC, 'data-plane', 'plugin-runner', 'route-chain.ts')
  assert.ok(importsOf(file).includes('data-plane/plugin-runner/plugin-instance.js'), 'import type lines are scanned')
})

test('nothing outside src/cli (and the src/cli.ts entry) imports src/cli', () => {
  const offenders = tsFiles(SRC)
    .filter((f) => !relative(SRC, f).startsWith('cli/') && relative(SRC, f) !== 'cli.ts')
    .flatMap((f) => importsOf(f).filter((i) => i === 'cli' || i.startsWith('cli/')).map((i) => `${relative(SRC, f)} → ${i}`))
  assert.deepEqual(offenders, [])
})
