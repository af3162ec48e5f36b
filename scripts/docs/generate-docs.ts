// `npm run docs`: rewrites every generated page and region listed in registry.ts.
// `npm run docs -- --check`: changes nothing, lists stale pages and exits 1 when there are any.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expectedPage, generatedFiles, REPO_ROOT } from './registry.js'

const check = process.argv.includes('--check')
let stale = 0
let failed = 0
for (const file of generatedFiles()) {
  const path = join(REPO_ROOT, file)
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined
  let expected: string
  try {
    expected = expectedPage(file, current)
  } catch (err) {
    console.error(`docs: ${(err as Error).message}`)
    failed++
    continue
  }
  if (expected === current) continue
  stale++
  if (check) console.log(`docs: ${file} is stale`)
  else {
    writeFileSync(path, expected)
    console.log(`docs: wrote ${file}`)
  }
}
if (failed > 0) process.exit(1)
if (check && stale > 0) {
  console.log('docs: run `npm run build && npm run docs` and commit the result')
  process.exit(1)
}
if (stale === 0) console.log('docs: every generated page is up to date')
