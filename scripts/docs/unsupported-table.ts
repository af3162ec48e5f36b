// The table of Kong features Atrium rejects (src/contract/unsupported-features.ts), for
// docs/configuration.md: the page shows exactly what the loader enforces.

import type { UnsupportedFeature } from '../../src/contract/unsupported-features.js'
import { cell, codeCell, table } from './markdown.js'

export function renderUnsupportedFeatures (features: readonly UnsupportedFeature[]): string {
  return table(['Feature (in error messages)', 'Where it appears', 'Why it is rejected'], features.map((f) => [
    codeCell(f.feature),
    f.fields.map((x) => cell(x)).join('<br>'),
    cell(f.reason)
  ]))
}
