import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_RULES, RULE_IDS, RULES } from './rules';

describe('the rule registry', () => {
  it('lists each rule once, with a Chinese and an English title, a basis and at least one hook', () => {
    expect(new Set(RULE_IDS).size).toBe(AUDIT_RULES.length);
    for (const rule of AUDIT_RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.title.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(rule.title.en).toMatch(/^[A-Z]/);
      expect(rule.basis.length).toBeGreaterThan(0);
      expect(Boolean(rule.onEvent) || Boolean(rule.atEnd)).toBe(true);
      expect(RULES[rule.id]).toEqual({ id: rule.id, title: rule.title, basis: rule.basis });
    }
  });

  it('has one module per rule in inspections/, named by its id, and nothing else there', () => {
    const modules = readdirSync(join(__dirname, 'inspections'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(modules).toEqual([...RULE_IDS].sort());
  });
});
