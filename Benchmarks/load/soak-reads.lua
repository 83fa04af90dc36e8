-- wrk script for soak.sh: catalog and events reads at a fixed rate (SOAK_READ_RATE over
-- SOAK_READ_CONNECTIONS connections), cycling through list, by-name, query, facets and admin reads.
local rate = tonumber(os.getenv("SOAK_READ_RATE") or "100")
local connections = tonumber(os.getenv("SOAK_READ_CONNECTIONS") or "10")
local paths = {
  "/api/catalog/entities?limit=20",
  "/api/catalog/entities/by-query?limit=50&filter=kind=component",
  "/api/catalog/entities?filter=kind=component&fields=metadata.name&limit=100",
  "/api/catalog/entity-facets?facet=spec.lifecycle",
  "/api/events/events?topic=github&limit=20",
  "/api/events/subscriptions",
  "/api/events/topics",
  "/api/catalog/providers",
}
local i = 0

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

function delay()
  return 1000 * connections / rate
end
