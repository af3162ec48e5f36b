import { ATRIUM_VERSION } from '../../version.js'
import type { AdminRoute } from './admin-route.js'

const ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message', 'fields'],
  properties: {
    code: { type: 'string', description: 'stable machine-readable code, ATRIUM_ERR_*' },
    message: { type: 'string' },
    fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'offending field path → reason' }
  }
}

const SUCCESS_STATUS: Record<AdminRoute['method'], string> = { GET: '200', POST: '201', PUT: '200', PATCH: '200', DELETE: '204' }

function toOpenApiPath (path: string): { path: string, params: string[] } {
  const params: string[] = []
  const converted = path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    params.push(name)
    return `{${name}}`
  })
  return { path: converted, params }
}

/**
 * The OpenAPI 3.1 description of the Admin API, generated from the very route list the server
 * registers, so an endpoint cannot exist undescribed (and the test calls every described path).
 */
export function buildOpenApiDocument (routes: AdminRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const { path, params } = toOpenApiPath(route.path)
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description: 'id or name' })),
      responses: {
        [SUCCESS_STATUS[route.method]]: { description: 'success', ...(route.method === 'DELETE' ? {} : { content: { 'application/json': { schema: route.responseSchema ?? { type: 'object' } } } }) },
        default: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
      },
      security: [{ bearer: [] }, {}]
    }
    if (route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH') {
      operation.requestBody = { required: true, content: { 'application/json': { schema: route.requestSchema ?? { type: 'object' } } } }
    }
    paths[path] ??= {}
    paths[path][route.method.toLowerCase()] = operation
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Atrium Admin API', version: ATRIUM_VERSION, description: 'Control plane: runtime groups, gateway entities, service catalog.' },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ATRIUM_ADMIN_TOKENS role:token; viewer tokens may only GET (and POST to the read-only analyses: routes/explain)' } }
    }
  }
}

/** `GET /openapi.json`, served from the final route list. */
export function openApiRoute (routes: () => AdminRoute[]): AdminRoute {
  let document: Record<string, unknown> | null = null
  return {
    method: 'GET',
    path: '/openapi.json',
    summary: 'OpenAPI 3.1 description of this Admin API',
    tag: 'Meta',
    handler: async () => {
      document ??= buildOpenApiDocument(routes())
      return { status: 200, body: document }
    }
  }
}
