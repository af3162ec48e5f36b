import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCodes } from '../../../src/errors.js'
import { PLUGIN_SPECS } from '../../../src/plugins/schemas.js'
import { errorDocComments } from '../../../scripts/docs/error-table.js'
import { endMarker, startMarker } from '../../../scripts/docs/markdown.js'
import { REPO_ROOT } from '../../../scripts/docs/registry.js'

const read = (file: string): string => readFileSync(join(REPO_ROOT, file), 'utf8')

function region (text: string, name: string): string {
  const s = text.indexOf(startMarker(name))
  const e = text.indexOf(endMarker(name))
  return s >= 0 && e > s ? text.slice(s, e) : ''
}

test('every error code in ErrorCodes is in docs/errors.md', () => {
  const page = region(read('docs/errors.md'), 'error-codes')
  const missing = Object.keys(ErrorCodes).filter((code) => !page.includes(`\`${code}\``))
    .map((code) => `${code} is not documented: run \`npm run build && npm run docs\``)
  assert.deepEqual(missing, [])
})

test('every error code has a doc comment saying when it is answered', () => {
  const docs = errorDocComments(read('src/errors.ts'))
  const undocumented = Object.keys(ErrorCodes).filter((code) => (docs.get(code) ?? '') === '')
    .map((code) => `${code} has no /** doc comment */ in src/errors.ts`)
  assert.deepEqual(undocumented, [])
})

/** Every field path of a JSON Schema object, dotted, parents included (written apart from the renderer on purpose). */
function fieldPaths (schema: { properties?: Record<string, unknown> }, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) =>
    [prefix + key, ...fieldPaths(child as { properties?: Record<string, unknown> }, `${prefix}${key}.`)])
}

test('every bundled plugin has its page, and every page names a bundled plugin', () => {
  const pages = readdirSync(join(REPO_ROOT, 'docs/plugins')).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.slice(0, -3)).sort()
  assert.deepEqual(pages, PLUGIN_SPECS.map((s) => s.name).sort())
})

test('every field of every bundled plugin is in the field table of its page', () => {
  const missing: string[] = []
  for (const spec of PLUGIN_SPECS) {
    const file = `docs/plugins/${spec.name}.md`
    const table = existsSync(join(REPO_ROOT, file)) ? region(read(file), 'plugin-fields') : ''
    for (const path of fieldPaths(JSON.parse(JSON.stringify(spec.schema)))) {
      if (!table.includes(`| \`${path}\` |`)) missing.push(`${file} lacks ${path}: run \`npm run build && npm run docs\``)
    }
  }
  assert.ok(PLUGIN_SPECS.length >= 15)
  assert.deepEqual(missing, [])
})

test('every plugin schema field, nested ones too, has a description', () => {
  const missing: string[] = []
  const walk = (name: string, schema: { properties?: Record<string, { description?: unknown, properties?: Record<string, unknown> }> }, prefix: string): void => {
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (typeof child.description !== 'string' || child.description === '') missing.push(`${name}: ${prefix}${key}`)
      walk(name, child as never, `${prefix}${key}.`)
    }
  }
  for (const spec of PLUGIN_SPECS) walk(spec.name, JSON.parse(JSON.stringify(spec.schema)), '')
  assert.deepEqual(missing, [])
})

test('the plugin index links every bundled plugin page', () => {
  const index = region(read('docs/plugins/README.md'), 'plugin-list')
  const missing = PLUGIN_SPECS.filter((s) => !index.includes(`](${s.name}.md)`)).map((s) => s.name)
  assert.deepEqual(missing, [])
})
