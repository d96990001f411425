// A scenario written as a TypeScript module (loaded through tsx), used by load-scenario.test.ts.
const perSecond: number = 50;

export default {
  name: 'module-ts',
  target: 'http://127.0.0.1:9000',
  data: { users: { file: 'users.csv' } },
  flows: [{ name: 'ping', steps: [{ request: { url: '/ping' }, check: { status: 200 } }] }],
  phases: [{ executor: 'constant-arrival-rate', rate: perSecond, duration: '10s' }],
  thresholds: ['p99<100ms'],
};
