import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../../../scripts/docs/registry.js'

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')

test('README.md is a front door: at most 250 lines', () => {
  const lines = README.split('\n').length - (README.endsWith('\n') ? 1 : 0)
  assert.ok(lines <= 250, `README.md has ${lines} lines; move reference material to docs/`)
})

test('README.md gives the two set-up commands', () => {
  assert.match(README, /^npm ci && npm start$/m)
  assert.match(README, /^npm ci && npm test$/m)
})
