-- wrk script: POST a 1 KiB JSON webhook body to the ingress route.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local filler = string.rep("x", 1024 - 96)
wrk.body = '{"type":"add","id":"42","source":"wrk","note":"' .. filler .. '","n":5.0,"ok":true,"list":[1,2,3]}'
