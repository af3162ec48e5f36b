// `npm run docs`: rewrites every generated page and region listed in registry.ts.
// `npm run docs -- --check`: changes nothing, lists stale pages and exits 1 when there are any.

import { writeFileSync } from 'node:fs'
import { pageStates } from './registry.js'

const check = process.argv.includes('--check')
let stale = 0
let failed = 0
for (const page of pageStates()) {
  if (page.error !== undefined) {
    console.error(`docs: ${page.error}`)
    failed++
    continue
  }
  if (page.expected === page.current) continue
  stale++
  if (check) console.log(`docs: ${page.file} is stale`)
  else {
    writeFileSync(page.path, page.expected)
    console.log(`docs: wrote ${page.file}`)
  }
}
if (failed > 0) process.exit(1)
if (check && stale > 0) {
  console.log('docs: run `npm run build && npm run docs` and commit the result')
  process.exit(1)
}
if (stale === 0) console.log('docs: every generated page is up to date')
