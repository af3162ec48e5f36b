// API specs for the catalog, portal and browser tests. Line numbers matter: the error tests point
// at lines of these texts.

/** OpenAPI 3.1, YAML: two operations. */
export const PETS_YAML = `openapi: 3.1.0
info:
  title: Pets API
  version: 2.1.0
  description: Everything about pets.
paths:
  /pets:
    get:
      summary: List pets
      operationId: listPets
      responses:
        "200":
          description: the pets
    post:
      summary: Add a pet
      operationId: addPet
      responses:
        "201":
          description: created
  /pets/{id}:
    parameters:
      - name: id
        in: path
        required: true
        schema:
          type: string
    delete:
      operationId: deletePet
      deprecated: true
      responses:
        "204":
          description: gone
`

/** PETS_YAML with the description of GET /pets' 200 response misspelt (line 14). */
export const PETS_YAML_MISSING_DESCRIPTION = PETS_YAML.replace('          description: the pets', '          descriptio: the pets')

/** Swagger 2.0, JSON: one operation. */
export const ORDERS_SWAGGER_JSON = JSON.stringify({
  swagger: '2.0',
  info: { title: 'Orders API', version: '1.0' },
  basePath: '/orders',
  paths: { '/': { get: { summary: 'List orders', responses: { 200: { description: 'ok' } } } } }
}, null, 2)

/** OpenAPI 3.0, JSON. */
export const USERS_OPENAPI30_JSON = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Users API', version: '3' },
  paths: { '/users': { get: { summary: 'List users', responses: { 200: { description: 'ok' } } } } }
}, null, 2)

/** A spec whose descriptions carry script payloads (they must never run in the portal). */
export function xssSpec (marker: string): string {
  const payload = `<img src=x onerror="window.__xss='spec-img'"><img src=y onerror="alert('spec')"><script>window.__xss='spec-script'</script>[click](javascript:window.__xss='spec-link') ${marker}`
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Evil API', version: '1', description: payload },
    paths: { '/evil': { get: { summary: 'Evil op', description: payload, responses: { 200: { description: payload } } } } }
  }, null, 2)
}
