// What `loadtest init` writes: a scenario that shows every key with a comment saying what it does, plus
// the data file it reads. It drives the demo shop API (fixtures/demo-api) so it works out of the box,
// and test/scenarios/starter-scenario.test.ts loads it to keep it valid as the language evolves.

export const STARTER_USERS_FILE = 'users.csv';

export const starterScenarioYaml = `# A loadtest scenario. Validate with \`loadtest validate <file>\`, run with \`loadtest run <file>\`.
# Editor help (completion, hover docs): run \`loadtest schema > loadtest.schema.json\` and keep this line:
# yaml-language-server: $schema=loadtest.schema.json

name: shop-checkout                 # shown in reports

# Base URL for relative request URLs. \${env.NAME:-default} reads the environment at load time;
# \`loadtest run --target <url>\` overrides this line.
target: \${env.TARGET:-http://127.0.0.1:8080}

http:
  connections: 64                   # connections per origin (default 64)
  pipelining: 1                     # requests in flight per connection; 1 = none (default 1)
  maxBodySize: 1MB                  # response bytes kept for captures/checks (B, KB, MB; default 1MB)

defaults:
  headers:                          # sent with every request; a step's headers override them
    accept: application/json
  timeout: 10s                      # per-request timeout (default 10s); a step's request.timeout overrides it

gracefulStop: 5s                    # time in-flight iterations get to finish after the last phase (default 5s)

# Feeders: each iteration gets one row per feeder, available as {{feeder.column}}.
# Paths are relative to this file. .csv needs a header row; .json is an array of objects.
data:
  users:
    file: ${STARTER_USERS_FILE}
    order: sequential               # sequential (wraps around) | random | unique (each row once)

flows:
  - name: checkout
    weight: 3                       # share of iterations relative to other flows (default 1)
    steps:
      - name: login                 # metric name; default "<METHOD> <url>"; unique within the flow
        request:
          method: POST              # default GET
          url: /login               # relative to target; {{templates}} allowed
          json: { user: "{{users.name}}" }   # JSON body (string leaves are templates); or \`body:\` for raw text
          timeout: 2s               # overrides defaults.timeout for this request
        capture:                    # values for later steps, used as {{token}}
          token: { json: $.token }
          contentType: { header: content-type }
        check:
          status: 200               # a code or a list; default: any 2xx/3xx
          body: { contains: token }  # substring(s) the body must contain
          latency: 500ms            # slower responses fail the check
        think: 1s                   # pause after this step

      - name: browse
        loop: 3                     # repeat the nested steps 3 times
        steps:
          - name: product page
            request:
              url: "/products/{{randomInt 1 500}}"
            check:
              status: [200]
              body: { contains: '"priceCents"', matches: '^\\{' }
            think: { min: 500ms, max: 2s }   # uniformly random pause

      - name: product list
        request:
          url: /products
          query: { page: 2 }        # appended as ?page=2
          headers: { x-client: loadtest }
        capture:
          firstId: { regex: '"id":(\\d+)', group: 1 }   # group defaults to 1

      - think: 1s                   # a bare pause between steps

      - name: place order
        request:
          method: POST
          url: /orders
          headers: { authorization: "Bearer {{token}}" }
          json: { sku: "{{firstId}}", quantity: 1 }
        capture:
          orderId: { json: $.id }
        check: { status: 201 }

      - name: order status
        request: { url: "/orders/{{orderId}}" }
        check: { status: 200, json: { "$.quantity": 1 } }   # JSON path -> expected value

  - name: window-shopping
    steps:
      - request: { url: /products }  # named "GET /products" by default

# Phases run in sequence. Executors:
#   constant-arrival-rate  rate, duration, maxInFlight      (open model: fixed start rate)
#   ramping-arrival-rate   from, to, duration, maxInFlight  (open model: linear ramp)
#   constant-vus           vus, duration                    (closed model: fixed users)
#   ramping-vus            from, to, duration               (closed model: linear ramp)
#   capacity-search        from, to, step, levelDuration, slo (open model: finds the highest rate
#                          that meets slo, the knee; see capacity: below)
# Rates are per second: 200 or "200/s"; also "6000/m". maxInFlight defaults to 1000; iterations due
# beyond it are counted as dropped.
phases:
  - name: warmup
    executor: ramping-arrival-rate
    from: 1
    to: 20/s
    duration: 30s
    maxInFlight: 200
  - name: steady
    executor: constant-arrival-rate
    rate: 20/s
    duration: 1m

# Pass/fail criteria, checked over the whole run unless scoped with step:<name>. or phase:<name>.
# Metrics: p50 p75 p90 p95 p99 p99.9 max mean (durations), errors (% or fraction), rps, dropped.
thresholds:
  - p99<250ms
  - errors<1%
  - step:login.p95<300ms
  - phase:steady.rps>=19

# Targets the run starts itself; their CPU and memory are collected automatically. Set
# \`target: kv\` above to send the requests to the replicas of a target named kv. For example:
#   kv: { fixture: raft, nodes: 3, resources: { cpu: 500m, memory: 256Mi } }
#   api: { command: [node, server.js], replicas: 2, env: { PORT: "{{port}}" } }
targets: {}

# CPU and memory of services this scenario does not start (cgroup, process, docker, kubernetes,
# prometheus), sampled every interval. For example:
#   - { source: docker, target: api, names: [shop-api-1, shop-api-2] }
collect:
  interval: 1s
  sources: []

# Faults injected into targets this scenario starts, at set times during the load. For example:
#   - { at: 30s, kill: leader, of: kv, for: 10s }     # a crash, restarted 10 s later
#   - { at: 60s, pause: kv/2, for: 5s }
faults: []

# Capacity planning: size a target under targets: for a peak rate under an SLO, from the knee a
# capacity-search phase finds; replicas: [1, 2, 4] repeats the run at each count and fits the
# scaling. The run then writes recommendation.json and kubernetes.yaml; \`loadtest verify\` re-runs
# the recommendation at peak. It needs a target this scenario starts, so here it is an example:
# capacity:
#   target: api
#   peak: 200/s
#   slo: { p99: 250ms, errors: 1% }
#   headroom: 30%
#   nPlusOne: true
#   replicas: [1, 2]
`;

/** The data files the starter scenario reads, by file name relative to it. */
export const starterDataFiles: Record<string, string> = {
  [STARTER_USERS_FILE]: ['name', ...Array.from({ length: 20 }, (_, i) => `user${String(i + 1).padStart(2, '0')}`)].join('\n') + '\n',
};
