-- wrk script: POST /predict with one text, to compare the runner with wrk against serve-bare:
--   wrk -t2 -c32 -d10s -s loadtest/wrk-post.lua http://127.0.0.1:8001/predict
wrk.method = "POST"
wrk.body = '{"text":["it \'s a charming and often affecting journey ."]}'
wrk.headers["Content-Type"] = "application/json"
