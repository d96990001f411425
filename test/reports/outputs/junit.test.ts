import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GateVerdict } from '../../../reports/gates/gate-types.js';
import { renderJUnit } from '../../../reports/outputs/junit.js';
import { GATES, HOSTILE_MESSAGE, HOSTILE_STEP, recordedSummary } from './recorded-run.js';

// The XML is read back with a small strict parser rather than a library: it refuses anything a
// conforming XML 1.0 parser would (unescaped < or &, unknown entities, characters XML forbids,
// mismatched or duplicate tags, duplicate attributes), which is exactly what these tests are about.

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (/[<]/.test(raw)) throw new Error(`raw < in ${where}`);
  return raw.replace(/&([^;]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new Error(`bare & in ${where}`);
    if (ENTITIES[ref] !== undefined) return ENTITIES[ref];
    const code = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1] ?? /^#([0-9]+)$/.exec(ref)?.[1];
    if (code === undefined) throw new Error(`unknown entity &${ref}; in ${where}`);
    const point = ref.startsWith('#x') ? parseInt(code, 16) : parseInt(code, 10);
    if (!xmlChar(point)) throw new Error(`reference to a character XML forbids in ${where}`);
    return String.fromCodePoint(point);
  });
}

function xmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function parseXml(xml: string): XmlElement {
  for (const char of xml) if (!xmlChar(char.codePointAt(0) as number)) throw new Error(`character U+${(char.codePointAt(0) as number).toString(16)} is not allowed in XML`);
  let rest = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (rest === xml) throw new Error('no XML declaration');
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  const open = new RegExp(`^<(${NAME})((?:\\s+${NAME}="[^"]*")*)\\s*(/?)>`);
  while (rest.length > 0) {
    const top = stack[stack.length - 1]!;
    if (rest.startsWith('</')) {
      const close = new RegExp(`^</(${NAME})\\s*>`).exec(rest);
      if (close === null || close[1] !== top.name) throw new Error(`mismatched close tag at ${rest.slice(0, 40)}`);
      stack.pop();
      rest = rest.slice(close[0].length);
    } else if (rest.startsWith('<')) {
      const tag = open.exec(rest);
      if (tag === null) throw new Error(`malformed tag at ${rest.slice(0, 40)}`);
      const element: XmlElement = { name: tag[1]!, attributes: {}, children: [], text: '' };
      for (const attribute of (tag[2] ?? '').matchAll(new RegExp(`(${NAME})="([^"]*)"`, 'g'))) {
        if (attribute[1]! in element.attributes) throw new Error(`duplicate attribute ${attribute[1]}`);
        element.attributes[attribute[1]!] = decode(attribute[2]!, `${element.name}@${attribute[1]}`);
      }
      if (top === root && root.children.length > 0) throw new Error('more than one root element');
      top.children.push(element);
      if (tag[3] !== '/') stack.push(element);
      rest = rest.slice(tag[0].length);
    } else {
      const end = rest.indexOf('<');
      const raw = end === -1 ? rest : rest.slice(0, end);
      if (top === root && raw.trim() !== '') throw new Error('text outside the root element');
      if (raw.includes(']]>')) throw new Error(']]> in text');
      top.text += decode(raw, top.name);
      rest = rest.slice(raw.length);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  return root.children[0]!;
}

function only(parent: XmlElement, name: string): XmlElement {
  const found = parent.children.filter((c) => c.name === name);
  assert.equal(found.length, 1, `one <${name}> in <${parent.name}>`);
  return found[0]!;
}

function suiteOf(xml: string) {
  const root = parseXml(xml);
  assert.equal(root.name, 'testsuites');
  const suite = only(root, 'testsuite');
  const cases = suite.children.filter((c) => c.name === 'testcase');
  const properties = Object.fromEntries(only(suite, 'properties').children.map((p) => [p.attributes.name, p.attributes.value]));
  return { root, suite, cases, properties };
}

describe('JUnit XML', () => {
  it('makes each gate a test case and counts tests and failures to match', async () => {
    const gates: GateVerdict[] = [GATES.pass, GATES.fail, GATES.window, GATES.regression, GATES.noData];
    const { root, suite, cases } = suiteOf(renderJUnit(await recordedSummary(), gates));
    assert.equal(suite.attributes.name, 'loadtest: checkout & <co>');
    assert.deepEqual(
      cases.map((c) => [c.attributes.classname, c.attributes.name]),
      [...gates.map((g) => ['loadtest.gates', g.expression]), ['loadtest.run', 'run completed']],
    );
    const failing = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    assert.deepEqual(
      failing.map((c) => c.attributes.name),
      gates.filter((g) => !g.passed).map((g) => g.expression),
    );
    for (const element of [root, suite]) {
      assert.equal(element.attributes.tests, String(gates.length + 1));
      assert.equal(element.attributes.failures, '4');
      assert.equal(element.attributes.errors, '0');
    }
    assert.equal(suite.attributes.timestamp, (await recordedSummary()).startedAt);
    assert.ok(Number(suite.attributes.time) > 0);
  });

  it('puts the actual value and the limit in the failure message, window and baseline in its text', async () => {
    const { cases } = suiteOf(renderJUnit(await recordedSummary(), [GATES.fail, GATES.window, GATES.regression, GATES.noData]));
    const failure = (name: string) => only(cases.find((c) => c.attributes.name === name)!, 'failure');
    assert.equal(failure('errors<1%').attributes.message, 'actual 4.70%, limit < 1%');
    assert.equal(failure('errors<1%').attributes.type, 'threshold');
    assert.match(failure('p99[5s]<300ms').attributes.message!, /412 ms.*< 300 ms/);
    assert.match(failure('p99[5s]<300ms').text, /5 s windows: 3 of 20 failed, worst from 40 s/);
    assert.match(failure('p99[5s]<300ms').text, /failing 40–47 s/);
    assert.equal(failure('p99:+10%').attributes.type, 'regression');
    assert.match(failure('p99:+10%').text, /baseline 212 ms, change \+25\.0%/);
    assert.match(failure('step:nosuch.p99<1ms').attributes.message!, /no step named "nosuch"/);
  });

  it('carries the run figures as properties and a plain summary as system-out', async () => {
    const summary = await recordedSummary();
    const { suite, properties } = suiteOf(renderJUnit(summary, [GATES.pass]));
    assert.equal(properties.scenario, summary.scenario);
    assert.equal(properties.status, 'completed');
    assert.equal(properties.verdict, 'pass');
    assert.equal(properties.requests, String(summary.overall.requests));
    assert.equal(properties.rps, String(summary.overall.rps));
    assert.equal(properties.p99Ms, String(summary.overall.latency.p99));
    assert.equal(properties.durationS, String(summary.durationS));
    const out = only(suite, 'system-out').text;
    assert.match(out, /requests 220 /);
    assert.match(out, /gates: 1 passed, 0 failed/);
  });

  it('still writes a valid suite without gates: the run-completed case alone', async () => {
    const { suite, cases } = suiteOf(renderJUnit(await recordedSummary(), []));
    assert.equal(suite.attributes.tests, '1');
    assert.equal(cases.length, 1);
    assert.equal(cases[0]!.attributes.name, 'run completed');
    assert.equal(cases[0]!.children.length, 0, 'passed');
  });

  it('errors the run-completed case when the run did not complete and no gate stopped it', async () => {
    const { suite, cases } = suiteOf(renderJUnit(await recordedSummary('interrupted'), [GATES.pass]));
    const error = only(cases.find((c) => c.attributes.name === 'run completed')!, 'error');
    assert.equal(error.attributes.type, 'interrupted');
    assert.match(error.attributes.message!, /interrupted/);
    assert.match(error.text, /10× order http_5xx: status 503 <b>down<\/b>/, 'the top errors, decoded back to the original text');
    assert.equal(suite.attributes.errors, '1');
    assert.equal(suite.attributes.failures, '0');
  });

  it('skips the run-completed case when a gate stopped the run: the gate carries the failure', async () => {
    const { suite, cases } = suiteOf(renderJUnit(await recordedSummary('interrupted'), [GATES.aborted]));
    assert.match(only(cases[0]!, 'failure').text, /stopped the run at 12 s/);
    assert.match(only(cases[1]!, 'skipped').attributes.message!, /errors\[10s\]<5% at 12 s/);
    assert.deepEqual([suite.attributes.failures, suite.attributes.errors, suite.attributes.skipped], ['1', '0', '1']);
  });

  it('escapes hostile names and messages and drops what XML cannot carry, staying well-formed', async () => {
    const summary = { ...(await recordedSummary('failed')), scenario: HOSTILE_STEP };
    const gate: GateVerdict = { ...GATES.fail, expression: `${HOSTILE_STEP}.p99<1ms`, actualText: HOSTILE_MESSAGE };
    const xml = renderJUnit(summary, [gate]);
    assert.doesNotMatch(xml, /<script>/);
    assert.doesNotMatch(xml, /<\/testcase><script>/);
    assert.doesNotMatch(xml, /[\u0001\uD800]/);
    const { suite, cases, properties } = suiteOf(xml);
    const dropped = (text: string) => text.replace(/[\u0001\uD800]/g, '');
    assert.equal(suite.attributes.name, `loadtest: ${dropped(HOSTILE_STEP)}`, 'attribute survives with its quotes, ampersand and newline');
    assert.equal(properties.scenario, dropped(HOSTILE_STEP));
    assert.equal(cases[0]!.attributes.name, `${dropped(HOSTILE_STEP)}.p99<1ms`);
    assert.equal(only(cases[0]!, 'failure').attributes.message, `actual ${dropped(HOSTILE_MESSAGE)}, limit < 1%`);
    assert.deepEqual(
      suite.children.map((c) => c.name),
      ['properties', 'testcase', 'testcase', 'system-out'],
      'no element smuggled in by a name',
    );
    assert.match(only(suite, 'system-out').text, /\]\]>/, 'a CDATA terminator in a message is plain text');
  });

  it('takes the suite name from the options', async () => {
    const { root, suite } = suiteOf(renderJUnit(await recordedSummary(), [], { suiteName: 'nightly capacity' }));
    assert.equal(suite.attributes.name, 'nightly capacity');
    assert.equal(root.attributes.name, 'nightly capacity');
  });
});

describe('the strict XML reader of these tests', () => {
  it('refuses what a conforming parser refuses', () => {
    const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
    for (const bad of ['<a>x & y</a>', '<a b="<"/>', '<a><b></a></b>', '<a>&nbsp;</a>', '<a b="1" b="2"/>', '<a/><b/>', '<a>\u0001</a>', '<a>', '<a>]]></a>']) {
      assert.throws(() => parseXml(prolog + bad), Error, bad);
    }
    assert.equal(parseXml(prolog + '<a b="&quot;&#10;">&lt;&amp;&#x41;</a>').text, '<&A');
  });
});
