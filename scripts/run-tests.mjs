// Runs every compiled *.test.js under dist/test with node's test runner.
// Node 20's `node --test` has no glob support and silently runs nothing when given a folder of .ts
// files, so the files are listed explicitly and the run fails when none is found.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function find (dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) find(p, out)
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

const filter = process.argv[2]
const files = find('dist/test', []).filter((f) => !filter || f.includes(filter)).sort()
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test')
  process.exit(1)
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { stdio: 'inherit' })
process.exit(r.status ?? 1)
