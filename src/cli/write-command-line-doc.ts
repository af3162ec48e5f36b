import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { COMMAND_LINE_DOC, renderCommandLineReference } from './command-line-doc.js'

// `npm run docs:cli` (node dist/src/cli/write-command-line-doc.js): rewrites docs/command-line.md
// from the options table. Run it after changing src/cli/options.ts or src/cli/commands.ts.

const target = fileURLToPath(new URL(`../../../${COMMAND_LINE_DOC}`, import.meta.url))
writeFileSync(target, renderCommandLineReference())
process.stdout.write(`wrote ${COMMAND_LINE_DOC}\n`)
