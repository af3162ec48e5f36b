// The markdown files the docs tests look at, relative to the repository root (posix paths).

import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../../../scripts/docs/registry.js'

function mdUnder (dir: string, out: string[]): string[] {
  const abs = join(REPO_ROOT, dir)
  if (!existsSync(abs)) return out
  for (const name of readdirSync(abs).sort()) {
    const rel = `${dir}/${name}`
    if (statSync(join(REPO_ROOT, rel)).isDirectory()) mdUnder(rel, out)
    else if (name.endsWith('.md')) out.push(rel)
  }
  return out
}

/** README.md, docs/**, src/plugins/README.md and bench/RESULTS.md. */
export function repositoryMarkdown (): string[] {
  return ['README.md', ...mdUnder('docs', []), 'src/plugins/README.md', 'bench/RESULTS.md']
}
