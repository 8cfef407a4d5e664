// Runs a SELECT, an ASK and a CONSTRUCT against a Socle SPARQL endpoint with sparql-http-client
// (ParsingClient), and prints what the client parsed as one JSON object.
// Usage: node client.mjs http://127.0.0.1:PORT/sparql
import ParsingClient from 'sparql-http-client/ParsingClient.js'

const endpointUrl = process.argv[2]
const client = new ParsingClient({ endpointUrl })
const DCAT = 'http://www.w3.org/ns/dcat#'

const rows = await client.query.select(
  `SELECT ?d WHERE { ?d a <${DCAT}Dataset> } ORDER BY ?d LIMIT 5`)
const askTrue = await client.query.ask(`ASK { ?d a <${DCAT}Dataset> }`)
const askFalse = await client.query.ask('ASK { <urn:socle:none> ?p ?o }', { operation: 'postUrlencoded' })
const dataset = await client.query.construct(
  `CONSTRUCT { ?d a <${DCAT}Dataset> } WHERE { ?d a <${DCAT}Dataset> } LIMIT 3`,
  { operation: 'postDirect' })

console.log(JSON.stringify({
  select: rows.map(row => ({ d: { termType: row.d.termType, value: row.d.value } })),
  ask: [askTrue, askFalse],
  construct: [...dataset].map(q => [q.subject.value, q.predicate.value, q.object.value])
}))
