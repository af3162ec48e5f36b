import { readFileSync } from 'node:fs'

/** Atrium's version, read once from package.json (dist/src/version.js → ../../package.json). */
export const ATRIUM_VERSION: string = (JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
) as { version: string }).version
