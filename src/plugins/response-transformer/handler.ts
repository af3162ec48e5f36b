import { isJsonContentType, splitColonPair, type ColonPair } from '../colon-pairs.js'
import { definePluginHandler, type PluginResponse } from '../types.js'
import { responseTransformerSpec, type ResponseTransformerConfig } from './schema.js'

// Kong's response-transformer. Headers are edited on every response (upstream, a plugin's early
// answer, a gateway error) in the response phase, in Kong's order: remove, rename, replace, add,
// append. JSON body edits apply only to responses whose content type contains application/json
// and whose body is a JSON object; only those are buffered (transformsBody decides per response),
// every other response keeps streaming. A body that does not parse is sent unchanged.

type JsonValue = string | number | boolean
type JsonType = 'boolean' | 'number' | 'string'

interface JsonEdit { name: string, value: JsonValue | undefined }

interface ResponseTransformerState {
  removeHeaders: string[]
  renameHeaders: ColonPair[]
  replaceHeaders: ColonPair[]
  addHeaders: ColonPair[]
  appendHeaders: ColonPair[]
  removeJson: string[]
  renameJson: ColonPair[]
  replaceJson: JsonEdit[]
  addJson: JsonEdit[]
  appendJson: JsonEdit[]
  transformsJson: boolean
}

/** Kong's cast: number → parsed (undefined when not a number: the edit is skipped), boolean → "true" only. */
function cast (value: string, type: JsonType | undefined): JsonValue | undefined {
  if (type === 'number') {
    const n = value.trim() === '' ? NaN : Number(value)
    return Number.isFinite(n) ? n : undefined
  }
  if (type === 'boolean') return value === 'true'
  return value
}

function jsonEdits (entries: string[], types: string[]): JsonEdit[] {
  return entries.map((entry, i) => {
    const { name, value } = splitColonPair(entry)
    return { name, value: cast(value, types[i] as JsonType | undefined) }
  })
}

function transformHeaders (state: ResponseTransformerState, response: PluginResponse): void {
  const headers = response.headers
  for (const name of state.removeHeaders) headers.remove(name)
  for (const { name, value } of state.renameHeaders) {
    const values = headers.getAll(name)
    if (values.length === 0) continue
    headers.remove(name)
    headers.set(value, values)
  }
  for (const { name, value } of state.replaceHeaders) if (value !== '' && headers.has(name)) headers.set(name, value)
  for (const { name, value } of state.addHeaders) if (value !== '' && !headers.has(name)) headers.set(name, value)
  for (const { name, value } of state.appendHeaders) if (value !== '') headers.add(name, value)
}

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The edited body, or null to leave it as it is (not a JSON object). */
function transformJson (state: ResponseTransformerState, body: Buffer): Buffer | null {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    return null
  }
  if (!isObject(json)) return null
  for (const name of state.removeJson) delete json[name]
  for (const { name, value } of state.renameJson) {
    if (!Object.hasOwn(json, name)) continue
    const v = json[name]
    delete json[name]
    json[value] = v
  }
  for (const { name, value } of state.replaceJson) if (value !== undefined && Object.hasOwn(json, name)) json[name] = value
  for (const { name, value } of state.addJson) if (value !== undefined && !Object.hasOwn(json, name)) json[name] = value
  for (const { name, value } of state.appendJson) {
    if (value === undefined) continue
    const current = Object.hasOwn(json, name) ? json[name] : undefined
    if (Array.isArray(current)) current.push(value)
    else json[name] = current === undefined ? [value] : [current, value]
  }
  return Buffer.from(JSON.stringify(json))
}

export const responseTransformerHandler = definePluginHandler(responseTransformerSpec, {
  configure (config: ResponseTransformerConfig): ResponseTransformerState {
    const state: ResponseTransformerState = {
      removeHeaders: config.remove.headers,
      renameHeaders: config.rename.headers.map(splitColonPair),
      replaceHeaders: config.replace.headers.map(splitColonPair),
      addHeaders: config.add.headers.map(splitColonPair),
      appendHeaders: config.append.headers.map(splitColonPair),
      removeJson: config.remove.json,
      renameJson: config.rename.json.map(splitColonPair),
      replaceJson: jsonEdits(config.replace.json, config.replace.json_types),
      addJson: jsonEdits(config.add.json, config.add.json_types),
      appendJson: jsonEdits(config.append.json, config.append.json_types),
      transformsJson: false
    }
    state.transformsJson = state.removeJson.length + state.renameJson.length + state.replaceJson.length + state.addJson.length + state.appendJson.length > 0
    return state
  },
  // Only JSON responses are held in memory, and only when there are JSON edits.
  transformsBody: (ctx, state) => state.transformsJson && isJsonContentType(ctx.response?.headers.get('content-type')),
  response (ctx, state) {
    const response = ctx.response
    if (response === null) return
    // Whether the body is JSON is decided on the upstream's content type, before header edits.
    const json = state.transformsJson && response.body !== null && isJsonContentType(response.headers.get('content-type'))
    transformHeaders(state, response)
    if (!json || response.body === null) return
    const edited = transformJson(state, response.body)
    if (edited !== null) response.body = edited
  }
})
