#!/usr/bin/env -S node --max-semi-space-size=4
// The CLI is compiled by `npm ci` (the `prepare` script); this shim only loads it.
import { main } from '../dist/src/cli.js'

main(process.argv.slice(2)).then((code) => {
  if (typeof code === 'number') process.exitCode = code
}, (err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exitCode = 1
})
