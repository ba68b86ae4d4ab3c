import { expand, mismatch, parseWalk } from './readme-walk';

/** The format the README walk test reads (readme-walk.ts), on a README of its own. */
const README = [
  '# Title',
  '## Using the API',
  'Some prose.',
  '```sh',
  'TOKEN=$(npm run -s token -- --role district-manager --fund huangpi)',
  'API=http://localhost:3000',
  '',
  '# A comment before the command',
  `curl -s -X POST $API/v1/things -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{`,
  '  "id": "T-1" }\'',
  '# → 201 {"id":"T-1","at":"…"}',
  '# prose after the answer, not an expectation → 200',
  'curl -s "${API}/v1/things?x=1" \\',
  '  -H "Authorization: Bearer $TOKEN"',
  '```',
  '## Next section',
  '```sh',
  'curl -s $API/ignored',
  '```',
].join('\n');

describe('the README walk format', () => {
  const steps = parseWalk(README);

  it('reads token assignments, variables, curl commands and the answer right after each, with README lines', () => {
    expect(steps.map((step) => [step.kind, step.line])).toEqual([
      ['assign', 5],
      ['assign', 6],
      ['curl', 9],
      ['curl', 13],
    ]);
    expect(steps[0]).toMatchObject({ name: 'TOKEN', tokenArgs: ['--role', 'district-manager', '--fund', 'huangpi'] });
    expect(steps[1]).toMatchObject({ name: 'API', tokenArgs: null, value: 'http://localhost:3000' });
    const vars = new Map([['API', 'http://h'], ['TOKEN', 't']]);
    const [post, get] = steps.slice(2) as Array<Extract<(typeof steps)[number], { kind: 'curl' }>>;
    expect(post.method).toBe('POST');
    expect(expand(post.url, vars, post.line)).toBe('http://h/v1/things');
    expect(post.headers.map(([name, value]) => [name, expand(value, vars, post.line)])).toEqual([
      ['Authorization', 'Bearer t'],
      ['content-type', 'application/json'],
    ]);
    expect(JSON.parse(post.body!)).toEqual({ id: 'T-1' });
    expect(post.expected).toMatchObject({ line: 11, status: 201, json: { id: 'T-1', at: '…' } });
    expect(get).toMatchObject({ method: 'GET', expected: null });
    expect(expand(get.url, vars, get.line)).toBe('http://h/v1/things?x=1');
  });

  it('names the README line of what it cannot run', () => {
    const bad = (line: string) => () => parseWalk(`## Using the API\n\`\`\`sh\n${line}\n\`\`\`\n`);
    expect(bad('jq .')).toThrow('README.md:3: the walk test runs curl commands and variable assignments only, not "jq"');
    expect(bad('curl -s -o out $API')).toThrow("README.md:3: the walk test does not run curl's -o");
    expect(bad("curl -s -d '{")).toThrow('README.md:3: a single quote is never closed');
    expect(() => expand('\0NOPE\0', new Map(), 7)).toThrow('README.md:7: $NOPE is used before it is set');
  });

  it('matches "…" to any value, objects by their members and open arrays by their start', () => {
    expect(mismatch({ a: '…', b: [1, '…'] }, { a: { deep: true }, b: [1, 2, 3] })).toBeNull();
    expect(mismatch({ a: '…' }, { a: 1, b: 2 })).toBe('$ has members the README does not show: b');
    expect(mismatch({ a: '…', '…': '…' }, { a: 1, b: 2 })).toBeNull();
    expect(mismatch({ a: '…' }, {})).toBe('$.a is missing');
    expect(mismatch({ a: { b: '1.00' } }, { a: { b: '1.0' } })).toBe('$.a.b should be "1.00", found "1.0"');
    expect(mismatch([1, 2], [1])).toBe('$ should have 2 elements, found 1');
    expect(mismatch({ a: null }, { a: null })).toBeNull();
  });
});
