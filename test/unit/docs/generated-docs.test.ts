import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DOC_TARGETS, expectedPage, pageStates, type DocTarget } from '../../../scripts/docs/registry.js'
import { replaceRegion } from '../../../scripts/docs/markdown.js'

test('every generated page and region is up to date', () => {
  const stale: string[] = []
  for (const page of pageStates()) {
    if (page.error !== undefined) stale.push(`${page.file}: ${page.error} (then run \`npm run build && npm run docs\`)`)
    else if (page.expected !== page.current) stale.push(`${page.file} is stale: run \`npm run build && npm run docs\` and commit it`)
  }
  assert.deepEqual(stale, [])
})

test('a page whose region differs from what its source renders is stale', () => {
  const targets: DocTarget[] = [{ file: 'x.md', region: 'sample', render: () => '| a |\n| --- |\n| new |' }]
  const page = '# X\n\n<!-- generated:sample start -->\n| a |\n| --- |\n| old |\n<!-- generated:sample end -->\n\nProse.\n'
  const expected = expectedPage('x.md', page, targets)
  assert.notEqual(expected, page)
  assert.equal(expected, '# X\n\n<!-- generated:sample start -->\n| a |\n| --- |\n| new |\n<!-- generated:sample end -->\n\nProse.\n')
  // Regenerating is idempotent: the fresh page is no longer stale.
  assert.equal(expectedPage('x.md', expected, targets), expected)
})

test('a page that lost its markers is an error, not silently skipped', () => {
  const targets: DocTarget[] = [{ file: 'x.md', region: 'sample', render: () => 'x' }]
  assert.throws(() => expectedPage('x.md', '# X\n', targets), /x\.md: no <!-- generated:sample start -->/)
  assert.throws(() => expectedPage('x.md', undefined, targets), /x\.md does not exist/)
  assert.throws(() => replaceRegion('<!-- generated:a end --> <!-- generated:a start -->', 'a', 'x'), /comes before/)
})

test('a whole generated page is the render output', () => {
  const targets: DocTarget[] = [{ file: 'whole.md', render: () => '# Whole' }]
  assert.equal(expectedPage('whole.md', 'anything', targets), '# Whole\n')
})

test('the registry lists each file and region once', () => {
  const keys = DOC_TARGETS.map((t) => `${t.file}#${t.region ?? ''}`)
  assert.equal(new Set(keys).size, keys.length)
})
