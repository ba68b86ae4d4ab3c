import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent } from '@ledger/application';
import { ProjectionRunner, readFundLedgerFile } from '@ledger/projections';
import { fundSubsidy, newHistory } from './support';

describe('readFundLedgerFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the read model and its checkpoint while the runner still has it open (WAL)', async () => {
    const history = newHistory();
    await history.run(fundSubsidy('municipal'));
    const file = join(dir, 'projections.sqlite');
    const runner = new ProjectionRunner({ store: history.store, file, decode: decodeEvent });
    await runner.start();
    runner.flush();
    const read = readFundLedgerFile(file);
    expect(read?.checkpoint).toBe(1n);
    expect(read?.ledger.current('municipal').balance.toFixed(2)).toBe('1000000.00');
    await history.run(fundSubsidy('municipal'));
    await runner.catchUp();
    runner.flush();
    expect(readFundLedgerFile(file)?.checkpoint).toBe(2n);
    await runner.stop();
    await history.close();
  });

  it('answers null when there is no read model', () => {
    expect(readFundLedgerFile(join(dir, 'projections.sqlite'))).toBeNull();
  });

  it('refuses a file that is not a database', () => {
    const file = join(dir, 'projections.sqlite');
    writeFileSync(file, 'not sqlite');
    expect(() => readFundLedgerFile(file)).toThrow();
  });
});
