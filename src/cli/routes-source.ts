import { readDeclarativeConfigFile, type GatewayConfig } from '../contract/index.js'
import { GatewayError } from '../errors.js'
import type { RouteRef } from '../router/explain-match.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { usageError } from './usage.js'

// What `atrium routes …` analyses: a runtime group on the control plane (--runtime-group) or a
// declarative file compiled here as a DB-less node compiles it (--config); one of them.

export type RoutesSource = { group: string } | { config: GatewayConfig }

export async function routesSource (line: CommandLine): Promise<RoutesSource> {
  const group = readOption(line, OPTIONS.routesRuntimeGroup)
  const file = readOption(line, OPTIONS.routesConfig)
  if ((group === undefined) === (file === undefined)) throw usageError('give --runtime-group NAME (ask the control plane) or --config FILE (DB-less), one of them')
  if (group !== undefined) return { group }
  const loaded = await readDeclarativeConfigFile(file as string)
  if (!loaded.ok) {
    throw new GatewayError(loaded.code, `${file as string}: invalid: ${loaded.errors.map((e) => `${e.path === '' ? '(file)' : e.path}: ${e.message}`).join('; ')}`)
  }
  return { config: loaded.config }
}

/** `name (service s)` as the text output names a route. */
export function routeWords (r: RouteRef): string {
  const name = r.name ?? r.id ?? '(unnamed)'
  return r.service === null ? `${name} (no service)` : `${name} (service ${r.service.name ?? r.service.id ?? '?'})`
}
