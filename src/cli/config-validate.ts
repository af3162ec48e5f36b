import { readDeclarativeConfigFile } from '../contract/index.js'

/** `atrium config validate FILE`: every error on stderr as `path: message`, exit 1; else a summary, exit 0. */
export async function validateCommand (file: string): Promise<number> {
  const result = await readDeclarativeConfigFile(file)
  for (const w of result.warnings) process.stderr.write(`warning: ${w.path === '' ? '(file)' : w.path}: ${w.message}\n`)
  if (!result.ok) {
    process.stderr.write(`${file}: invalid (${result.errors.length} error${result.errors.length === 1 ? '' : 's'})\n`)
    for (const e of result.errors) process.stderr.write(`${e.path === '' ? '(file)' : e.path}: ${e.message}\n`)
    return 1
  }
  process.stdout.write(`${file}: valid (${result.config.services.length} services, ${result.config.routes.length} routes, hash ${result.hash})\n`)
  return 0
}
