// A scenario written as a plain JavaScript ES module, used by load-scenario.test.ts.
export default {
  name: 'module-js',
  target: 'http://127.0.0.1:9000',
  flows: [{ steps: [{ request: { url: '/ping' } }] }],
  phases: [{ executor: 'constant-vus', vus: 2, duration: 5000 }],
};
