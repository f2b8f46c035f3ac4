// The seed scenario as an open model: RATE requests/s (default 100) for DURATION (default 1m), whatever the
// response times, with k6's constant-arrival-rate executor. k6 keeps PRE_ALLOCATED_VUS (default 20) ready and
// starts more up to MAX_VUS (default 200) when answers slow down; past that, iterations are dropped and counted
// in the built-in dropped_iterations metric.
//
//   k6 run -e RATE=200 -e DURATION=2m loadtest/load-constant-rate.js
import { DURATION, newRunTag, numberFromEnv, predictOnce, thresholds } from './lib.js';

const RATE = Math.round(numberFromEnv('RATE', 100, 1, 10000000));
const PRE_ALLOCATED_VUS = Math.round(numberFromEnv('PRE_ALLOCATED_VUS', 20, 1, 100000));
const MAX_VUS = Math.max(PRE_ALLOCATED_VUS, Math.round(numberFromEnv('MAX_VUS', 200, 1, 100000)));

export const options = {
  scenarios: {
    constant_rate: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: PRE_ALLOCATED_VUS,
      maxVUs: MAX_VUS,
    },
  },
  thresholds,
};

export function setup() {
  return { runTag: newRunTag() };
}

export default function (data) {
  predictOnce(data.runTag);
}
