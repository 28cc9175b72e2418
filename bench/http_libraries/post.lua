-- wrk script: POST /v1/echo with a ~200-byte JSON body.
wrk.method = "POST"
wrk.path = "/v1/echo"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id":"req-000123","user":"bench","text":"The quick brown fox jumps over the lazy dog near the river bank today",'
        .. '"tags":["alpha","beta","gamma"],"score":0.875,"flags":{"a":true,"b":false},"n":42}'
