import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// Tests run compiled from dist/test/unit/contract/; fixtures stay in the source tree.
const FIXTURES = new URL('../../../../test/fixtures/config/', import.meta.url)

export function fixturePath (name: string): string {
  return fileURLToPath(new URL(name, FIXTURES))
}

export function readFixture (name: string): string {
  return readFileSync(fixturePath(name), 'utf8')
}
