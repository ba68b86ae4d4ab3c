/**
 * Reads the README's "Using the API" walk as a sequence of steps a test can run, so the README
 * cannot drift from the code. The format (stated at the top of that README section too):
 *
 * - the section's ```sh blocks are read in order, as shell text: single quotes (which may span
 *   lines), double quotes, `$VAR` / `${VAR}`, a backslash before a newline, `#` comments;
 * - `NAME=$(npm run -s token -- ARGS)` makes a token with those arguments (with the key of the
 *   server under test); `NAME=value` sets a variable; `API=…` is replaced by the server's address;
 * - every other command is a `curl` with `-s`, `-X METHOD`, `-H 'Name: value'`, `-d BODY` and one URL;
 * - a comment line `# → STATUS` or `# → STATUS {json}` right after a curl command is what it must
 *   answer; a curl command without one must answer 2xx;
 * - in the expected JSON, the string "…" matches any value, an object matches only with the same
 *   keys unless it holds the member "…": "…" (then others may be present), and an array whose last
 *   element is "…" may go on with any elements.
 */
export interface Assignment {
  kind: 'assign';
  line: number;
  name: string;
  /** The token command's arguments, or null for a plain value. */
  tokenArgs: string[] | null;
  value: string;
}

export interface CurlStep {
  kind: 'curl';
  line: number;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: string | null;
  expected: { line: number; status: number; json: unknown; text: string } | null;
}

export type WalkStep = Assignment | CurlStep;

export class WalkFormatError extends Error {
  constructor(line: number, message: string) {
    super(`README.md:${line}: ${message}`);
  }
}

/** A word of shell text: literal text, with `\0NAME\0` where a variable is expanded at run time. */
interface Statement {
  line: number;
  raw: string;
  words: string[];
}

interface Comment {
  line: number;
  text: string;
}

const SECTION = '## Using the API';
const EXPECTATION = /^# → (\d{3})(?:\s+(.*))?$/;
export const ANY = '…';

/** The ```sh blocks of the section, each with the README line number of its first line. */
export function walkBlocks(readme: string): Array<{ line: number; text: string }> {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.trim() === SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const blocks: Array<{ line: number; text: string }> = [];
  let open: { line: number; body: string[] } | null = null;
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i];
    if (!open && /^## /.test(line)) break;
    if (!open && line.trim() === '```sh') open = { line: i + 2, body: [] };
    else if (open && line.trim() === '```') {
      blocks.push({ line: open.line, text: open.body.join('\n') });
      open = null;
    } else if (open) open.body.push(line);
  }
  if (blocks.length === 0) throw new Error(`README.md's "${SECTION}" section has no \`\`\`sh block`);
  return blocks;
}

/** Splits shell text into statements (with their words) and whole-line comments, in order. */
function tokenize(text: string, firstLine: number): Array<Statement | Comment> {
  const out: Array<Statement | Comment> = [];
  let line = firstLine;
  let i = 0;
  let words: string[] = [];
  let word: string | null = null;
  let statementLine = line;
  let rawStart = 0;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endStatement = (end: number) => {
    endWord();
    if (words.length > 0) out.push({ line: statementLine, raw: text.slice(rawStart, end).trim(), words });
    words = [];
  };
  const variable = (): string => {
    const braced = text[i + 1] === '{';
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + (braced ? 2 : 1)));
    if (!match) throw new WalkFormatError(line, `a "$" not followed by a variable name`);
    i += match[0].length + (braced ? 3 : 1);
    return `\0${match[0]}\0`;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      endStatement(i);
      line += 1;
      i += 1;
      statementLine = line;
      rawStart = i;
    } else if (c === '\\' && text[i + 1] === '\n') {
      endWord();
      line += 1;
      i += 2;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i += 1;
    } else if (c === '#' && word === null) {
      const end = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
      if (words.length === 0) out.push({ line, text: text.slice(i, end).trim() });
      i = end;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new WalkFormatError(line, 'a single quote is never closed');
      const quoted = text.slice(i + 1, end);
      word = (word ?? '') + quoted;
      line += quoted.split('\n').length - 1;
      i = end + 1;
    } else if (c === '"') {
      word = word ?? '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '$' && text[i + 1] !== '(') word += variable();
        else if (text[i] === '\\' && '"\\$`'.includes(text[i + 1])) {
          word += text[i + 1];
          i += 2;
        } else {
          if (text[i] === '\n') line += 1;
          word += text[i];
          i += 1;
        }
      }
      if (i >= text.length) throw new WalkFormatError(line, 'a double quote is never closed');
      i += 1;
    } else if (c === '$' && text[i + 1] !== '(') {
      word = (word ?? '') + variable();
    } else {
      word = (word ?? '') + c;
      i += 1;
    }
  }
  endStatement(text.length);
  return out;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
const TOKEN_COMMAND = /^\$\(npm run -s token -- (.*)\)$/s;

function parseAssignment(statement: Statement): Assignment | null {
  const match = ASSIGNMENT.exec(statement.raw);
  if (!match) return null;
  const token = TOKEN_COMMAND.exec(match[2]);
  if (token) {
    const args = tokenize(token[1], statement.line).flatMap((part) => ('words' in part ? part.words : []));
    return { kind: 'assign', line: statement.line, name: match[1], tokenArgs: args, value: '' };
  }
  if (match[2].includes('$(')) throw new WalkFormatError(statement.line, 'the only command substitution the walk test runs is $(npm run -s token -- …)');
  if (statement.words.length !== 1) throw new WalkFormatError(statement.line, 'an assignment followed by a command');
  return { kind: 'assign', line: statement.line, name: match[1], tokenArgs: null, value: statement.words[0].slice(match[1].length + 1) };
}

function parseCurl(statement: Statement): CurlStep {
  const [command, ...args] = statement.words;
  if (command !== 'curl') {
    throw new WalkFormatError(statement.line, `the walk test runs curl commands and variable assignments only, not ${JSON.stringify(command)}`);
  }
  const step: CurlStep = { kind: 'curl', line: statement.line, method: '', url: '', headers: [], body: null, expected: null };
  for (let k = 0; k < args.length; k += 1) {
    const arg = args[k];
    const value = () => {
      if (k + 1 >= args.length) throw new WalkFormatError(statement.line, `curl ${arg} needs a value`);
      return args[++k];
    };
    if (arg === '-s' || arg === '--silent' || arg === '-sS') continue;
    else if (arg === '-X' || arg === '--request') step.method = value();
    else if (arg === '-H' || arg === '--header') {
      const header = value();
      const colon = header.indexOf(':');
      if (colon < 0) throw new WalkFormatError(statement.line, `curl -H ${JSON.stringify(header)} is not "Name: value"`);
      step.headers.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
    } else if (arg === '-d' || arg === '--data' || arg === '--data-raw') step.body = value();
    else if (arg.startsWith('-')) throw new WalkFormatError(statement.line, `the walk test does not run curl's ${arg}`);
    else if (step.url) throw new WalkFormatError(statement.line, 'a curl command with two URLs');
    else step.url = arg;
  }
  if (!step.url) throw new WalkFormatError(statement.line, 'a curl command without a URL');
  step.method ||= step.body === null ? 'GET' : 'POST';
  return step;
}

function parseExpectation(comment: Comment): CurlStep['expected'] {
  const match = EXPECTATION.exec(comment.text);
  if (!match) return null;
  const text = match[2]?.trim() ?? '';
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new WalkFormatError(comment.line, `the expected answer is not JSON: ${(error as Error).message}`);
    }
  }
  return { line: comment.line, status: Number(match[1]), json, text };
}

/** Every step of the walk, in README order. */
export function parseWalk(readme: string): WalkStep[] {
  const steps: WalkStep[] = [];
  for (const block of walkBlocks(readme)) {
    let last: CurlStep | null = null;
    for (const part of tokenize(block.text, block.line)) {
      if ('text' in part) {
        // Only the comment right after a curl command can be its expectation.
        if (last && part.line > last.line && !last.expected) last.expected = parseExpectation(part);
        last = null;
        continue;
      }
      const assignment = parseAssignment(part);
      if (assignment) {
        steps.push(assignment);
        last = null;
      } else {
        last = parseCurl(part);
        steps.push(last);
      }
    }
  }
  return steps;
}

/** `\0NAME\0` → the variable's value; an unset variable is an error naming the line. */
export function expand(word: string, vars: ReadonlyMap<string, string>, line: number): string {
  return word.replace(/\0([^\0]+)\0/g, (_, name: string) => {
    const value = vars.get(name);
    if (value === undefined) throw new WalkFormatError(line, `$${name} is used before it is set`);
    return value;
  });
}

/** Where `actual` differs from `expected` (a JSON path and what was found), or null when it matches. */
export function mismatch(expected: unknown, actual: unknown, path = '$'): string | null {
  if (expected === ANY) return actual === undefined ? `${path} is missing` : null;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path} should be an array, found ${JSON.stringify(actual)}`;
    const open = expected.length > 0 && expected[expected.length - 1] === ANY;
    const fixed = open ? expected.slice(0, -1) : expected;
    if (open ? actual.length < fixed.length : actual.length !== fixed.length) {
      return `${path} should have ${open ? 'at least ' : ''}${fixed.length} elements, found ${actual.length}`;
    }
    for (let k = 0; k < fixed.length; k += 1) {
      const found = mismatch(fixed[k], actual[k], `${path}[${k}]`);
      if (found) return found;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path} should be an object, found ${JSON.stringify(actual)}`;
    const want = expected as Record<string, unknown>;
    const got = actual as Record<string, unknown>;
    const open = want[ANY] === ANY;
    for (const key of Object.keys(want)) {
      if (key === ANY) continue;
      if (!(key in got)) return `${path}.${key} is missing`;
      const found = mismatch(want[key], got[key], `${path}.${key}`);
      if (found) return found;
    }
    if (!open) {
      const extra = Object.keys(got).filter((key) => !(key in want));
      if (extra.length > 0) return `${path} has members the README does not show: ${extra.join(', ')}`;
    }
    return null;
  }
  return Object.is(expected, actual) ? null : `${path} should be ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`;
}
