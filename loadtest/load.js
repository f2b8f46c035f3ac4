// The seed scenario: ramp up to VUS virtual users (default 10), hold for DURATION (default 1m), ramp down.
// Each iteration sends one text; CACHE_RATE (default 0.95) of them come from the repeated pool.
//
//   k6 run loadtest/load.js
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e DURATION=5m -e CACHE_RATE=0.5 loadtest/load.js
import { DURATION, newRunTag, numberFromEnv, predictOnce, thresholds } from './lib.js';

const VUS = numberFromEnv('VUS', 10, 1, 100000);
const RAMP = __ENV.RAMP || '10s';

export const options = {
  stages: [
    { duration: RAMP, target: VUS },
    { duration: DURATION, target: VUS },
    { duration: RAMP, target: 0 },
  ],
  thresholds,
};

export function setup() {
  return { runTag: newRunTag() };
}

export default function (data) {
  predictOnce(data.runTag);
}
