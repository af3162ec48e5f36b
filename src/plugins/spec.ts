// What every part of Atrium may know about a plugin without loading its request-path code: its
// name, version, priority and config schema (data). The contract validates configs with it, the
// control plane serves it at GET /schemas/plugins/{name}; only the data plane loads handlers
// (handlers.ts). A plugin's `<name>/schema.ts` exports one PluginSpec and imports nothing that runs
// requests.

import type { Static, TObject } from '@sinclair/typebox'

/** A problem with one field of a plugin's config; `path` is relative to `config` (`''` = the config itself). */
export interface PluginConfigIssue {
  path: string
  message: string
}

export interface PluginSpec<S extends TObject = TObject> {
  /** Kong's name where Kong has the plugin; also the folder name under src/plugins/. */
  name: string
  /** Semver of the plugin's config and behaviour; announced by nodes in the sync hello. */
  version: string
  /** Higher runs first; unique across bundled plugins (Kong's value where Kong has the plugin). */
  priority: number
  /** One sentence for the schema endpoint. */
  description: string
  /**
   * The config schema (TypeBox → JSON Schema): every field with its bounds and description, fields
   * that have a default are required in the type and filled in when missing, `additionalProperties:
   * false`. The handler's config type is `Static<typeof schema>`.
   */
  schema: S
  /**
   * Kong's shorthand fields: another spelling of fields the schema has, turned into them before the
   * schema runs (on a copy without nulls). Returns the config to validate.
   */
  shorthands? (config: Record<string, unknown>): Record<string, unknown>
  /**
   * Kong's `consumer = typedefs.no_consumer`: the plugin cannot be applied to a consumer (Kong
   * rejects it; an authentication plugin identifies the consumer, so it cannot depend on one).
   */
  noConsumer?: boolean
  /**
   * Kong's `protocols = typedefs.protocols_http`: the plugin's `protocols` may list only HTTP-family
   * protocols (grpc, grpcs, http, https, ws, wss).
   */
  httpProtocolsOnly?: boolean
  /**
   * The plugin's `protocols`, when set, must list both http and https: it acts per route, not per
   * request protocol (prometheus switches a route's metrics).
   */
  bothWebProtocols?: boolean
  /**
   * Rules across fields that JSON Schema cannot say (Kong's custom_validator / entity_checks). Runs
   * after the schema passed, on the config with defaults applied; never per request.
   */
  check? (config: Static<S>): PluginConfigIssue[]
}

/** Identity helper that keeps the schema's static type for `check`. */
export function definePluginSpec<S extends TObject> (spec: PluginSpec<S>): PluginSpec<S> {
  return spec
}
