-- POST /api/catalog/entities/by-refs with 10 refs of the synthetic catalog (wrk -s reads.lua).
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local refs = {}
for i = 1, 10 do
  refs[#refs + 1] = string.format('"component:default/component-%06d"', (i * 7919) % tonumber(os.getenv("READS_COUNT") or "10000"))
end
wrk.body = '{"entityRefs":[' .. table.concat(refs, ",") .. ']}'
