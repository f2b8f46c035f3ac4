// Shared by load.js and load-constant-rate.js: settings from the environment, the texts, and one
// POST /predict with its checks. k6 runs this module's top level in the init context, so open() is allowed here.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';
import { Rate } from 'k6/metrics';

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const CACHE_RATE = numberFromEnv('CACHE_RATE', 0.95, 0, 1);
export const DURATION = __ENV.DURATION || '1m';

// The same pass criteria for every scenario: the seed scenario's service-level objective.
export const thresholds = {
  http_req_duration: ['p(99)<2000'],
  http_req_failed: ['rate<0.01'],
};

// Share of answers with "X-Cache: hit" (every text of the request came from a cache tier). Only answers that
// carry the header count, so the metric is absent against a server that does not send it.
export const cacheHits = new Rate('cache_hits');

// Example review sentences in the style of SST-2 (lower case, tokenized punctuation), written for this project.
const EXAMPLE_SENTENCES = [
  'a warm , funny and quietly moving portrait of a family that refuses to fall apart .',
  'the plot goes nowhere and takes its sweet time getting there .',
  'one of the most inventive animated features in years .',
  'the dialogue is so wooden you could build a cabin with it .',
  'a thoughtful , beautifully acted drama that earns every one of its tears .',
  'by the third act i had stopped caring who the killer was .',
  'the lead gives a fearless performance that holds the whole film together .',
  'it feels like a rough draft that somebody forgot to rewrite .',
  'sharp , witty and never once condescending to its young audience .',
  'an overlong , self-important mess with nothing new to say .',
  'the photography alone is worth the price of a ticket .',
  'even the talented cast cannot rescue a script this lazy .',
  'a charming little comedy that knows exactly what it wants to be .',
  'the jokes land with a dull thud , one after another .',
  'smart , tense and surprisingly tender .',
  'the film mistakes loudness for excitement .',
  'a rare sequel that improves on the original in every way .',
  'i kept checking my watch , and then checking it again .',
  'the director handles the shifts in tone with real confidence .',
  'a forgettable thriller with more holes than a sieve .',
  'the soundtrack is a joy from the first note to the last .',
  'characters this thin would blow away in a light breeze .',
  'it is the kind of movie that stays with you for days .',
  'a tired collection of clichés held together by car chases .',
  'funny , heartfelt and gorgeous to look at .',
  'the story collapses under the weight of its own twists .',
  'a gentle , generous film about growing old with grace .',
  'nobody involved seems to have any idea what the movie is about .',
  'the performances are uniformly excellent , down to the smallest role .',
  'a cynical cash grab dressed up as a family film .',
  'it builds slowly to an ending that is genuinely devastating .',
  'too long , too loud and far too pleased with itself .',
  'a clever premise executed with wit and a light touch .',
  'the editing is so choppy that the action scenes are hard to follow .',
  'an unexpected delight from start to finish .',
  'the romance never convinces , and neither does anything else .',
  'this is filmmaking of real ambition and skill .',
  'the villain is more annoying than menacing .',
  'a small film with a big , beating heart .',
  'the second half drags badly .',
  'moving without ever being manipulative .',
  'a muddled , joyless experience .',
  'the young cast is natural and completely believable .',
  'what should have been a thriller plays like a slow lecture .',
  'easily the best documentary i have seen this year .',
  'the humor is crude without ever being funny .',
  'a lovely , bittersweet story told with great care .',
  'the special effects cannot hide how empty the whole thing is .',
  'it made me laugh , and then it made me think .',
  'dull , dreary and utterly predictable .',
];

// TEXTS=path reads one sentence a line, the first tab-separated column (an SST-2 .tsv works; its header line is
// skipped). A relative path is resolved by k6 relative to this file, so prefer an absolute one.
export const texts = __ENV.TEXTS
  ? new SharedArray('texts', () => readTexts(__ENV.TEXTS))
  : EXAMPLE_SENTENCES;

// The repeated pool: the first POOL_SIZE texts (default all of them).
const POOL_SIZE = Math.min(texts.length, numberFromEnv('POOL_SIZE', texts.length, 1, Number.MAX_SAFE_INTEGER));

const params = {
  headers: { 'Content-Type': 'application/json' },
  // One metric series for every request, however its text varies.
  tags: { name: 'POST /predict' },
};

/** A tag unique to this run, so that "new" texts are new to a server that stays up across runs. */
export function newRunTag() {
  return Date.now().toString(36);
}

/**
 * One request with one text: with probability CACHE_RATE a text of the repeated pool, otherwise a pool sentence
 * made unique with the run tag and the test-wide iteration number (never sent before).
 */
export function predictOnce(runTag) {
  const fromPool = Math.random() < CACHE_RATE;
  const sentence = texts[Math.floor(Math.random() * POOL_SIZE)];
  const text = fromPool ? sentence : `${sentence} ~${runTag}.${exec.scenario.iterationInTest}`;

  const res = http.post(`${BASE_URL}/predict`, JSON.stringify({ text: [text] }), params);

  check(res, {
    'status is 200': (r) => r.status === 200,
    'one list of labelled scores': (r) => r.status === 200 && hasOnePrediction(r),
  });
  const cache = res.headers['X-Cache'];
  if (cache === 'hit' || cache === 'miss') {
    cacheHits.add(cache === 'hit');
  }
  return res;
}

function hasOnePrediction(res) {
  let body;
  try {
    body = res.json();
  } catch (e) {
    return false;
  }
  const predictions = body && body.predictions;
  return Array.isArray(predictions)
    && predictions.length === 1
    && Array.isArray(predictions[0])
    && predictions[0].length >= 2
    && predictions[0].every((s) => s && typeof s.label === 'string' && typeof s.score === 'number');
}

function readTexts(path) {
  const lines = open(path).split(/\r?\n/);
  const sentences = [];
  lines.forEach((line, index) => {
    const sentence = line.split('\t')[0].trim();
    const header = index === 0 && (sentence === 'sentence' || sentence === 'text');
    if (sentence && !header) {
      sentences.push(sentence);
    }
  });
  if (sentences.length === 0) {
    throw new Error(`TEXTS=${path} holds no sentence`);
  }
  return sentences;
}

/** A number from the environment variable `name`, `fallback` when unset; throws when out of [min, max]. */
export function numberFromEnv(name, fallback, min, max) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}=${raw} must be a number from ${min} to ${max}`);
  }
  return value;
}
