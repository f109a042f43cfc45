// Runs the npm `perspective-api-client` unchanged against netiquette.
// The client posts to https://commentanalyzer.googleapis.com; the only change a newsroom makes
// is the address, done here with an axios interceptor (the client's own axios instance).
// Usage: node analyze.js ROOT_URL API_KEY TEXT  ->  one JSON line on stdout.
'use strict';
const axios = require('axios');
const Perspective = require('perspective-api-client');

const [root, key, text] = process.argv.slice(2);
axios.interceptors.request.use(config => {
  config.url = config.url.replace('https://commentanalyzer.googleapis.com/', root);
  return config;
});

async function main() {
  const out = {};
  const client = new Perspective({apiKey: key});
  const result = await client.analyze(
    {comment: {text}, spanAnnotations: true, languages: ['de']},
    {attributes: ['INSULT', 'TOXICITY'], stripHTML: false},
  );
  out.result = result;
  // What a JavaScript page highlights: text.slice(begin, end) of each INSULT span.
  out.slices = result.attributeScores.INSULT.spanScores.map(s => text.slice(s.begin, s.end));
  try {
    await new Perspective({apiKey: 'nq_unknown_0123456789abcdefghij'}).analyze('Hallo');
  } catch (error) {
    out.wrongKey = {status: error.response.status, message: error.message};
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(error => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
