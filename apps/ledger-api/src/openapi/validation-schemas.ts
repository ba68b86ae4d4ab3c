import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

/** class-transformer's store of @Type() functions (its own path; the package types no deep import). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: { findTypeMetadata(target: Function, property: string): { typeFunction: () => unknown } | undefined };
};

/**
 * The request schemas of the OpenAPI document come from the DTOs' class-validator decorators, the
 * same rules that validate every request, so the document cannot drift from what the API accepts.
 * Each validated property is given the @ApiProperty that says the same thing, once, before
 * @nestjs/swagger reads the classes.
 */
interface Constraint {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
  target: Function | string;
}

const described = new WeakSet<Function>();

/** Formats of the project's own validators (libs/application/src/input/validators.ts). */
const CUSTOM: Record<string, ApiPropertyOptions> = {
  isBusinessDate: { type: 'string', format: 'date', example: '2025-06-30', description: 'a business date YYYY-MM-DD (Asia/Shanghai), in the years 1900 to 2100' },
  isQueryDate: { type: 'string', format: 'date', example: '2025-06-30', description: 'a business date YYYY-MM-DD (Asia/Shanghai), in the years 1900 to 2100' },
  isMoney: { type: 'string', pattern: '^\\d+(\\.\\d{1,2})?$', example: '380.00', description: 'yuan as a string, at most two decimals' },
};

function optionsOf(target: Function, property: string, rules: Constraint[]): ApiPropertyOptions {
  const options: Record<string, unknown> = { required: !rules.some((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION) };
  const each = rules.some((rule) => rule.each) || rules.some((rule) => rule.name === 'isArray');
  const item: Record<string, unknown> = {};
  for (const rule of rules) {
    const [first, second] = rule.constraints ?? [];
    switch (rule.name) {
      case 'isString': item.type = 'string'; break;
      case 'isInt': item.type = 'integer'; break;
      case 'isBoolean': item.type = 'boolean'; break;
      case 'isIn': item.enum = first as unknown[]; item.type ??= typeof (first as unknown[])[0] === 'number' ? 'number' : 'string'; break;
      case 'isLength': item.minLength = first; item.maxLength = second; break;
      case 'matches': item.pattern = (first as RegExp).source; break;
      case 'min': item.minimum = first; break;
      case 'max': item.maximum = first; break;
      case 'arrayMaxSize': options.maxItems = first; break;
      case 'arrayMinSize': options.minItems = first; break;
      default: if (rule.name && CUSTOM[rule.name]) Object.assign(item, CUSTOM[rule.name]);
    }
  }
  if (rules.some((rule) => rule.type === ValidationTypes.NESTED_VALIDATION)) {
    const nested = defaultMetadataStorage.findTypeMetadata(target, property)?.typeFunction();
    if (typeof nested === 'function') {
      describeValidatedClass(nested as Function);
      item.type = nested;
    }
  }
  item.type ??= 'string';
  return { ...item, ...options, ...(each ? { isArray: true } : {}) } as ApiPropertyOptions;
}

export function describeValidatedClass(target: Function): void {
  if (described.has(target)) return;
  described.add(target);
  const storage = getMetadataStorage() as unknown as {
    getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean): Constraint[];
  };
  const byProperty = new Map<string, Constraint[]>();
  for (const rule of storage.getTargetValidationMetadatas(target, '', true, false)) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  for (const [property, rules] of byProperty) ApiProperty(optionsOf(target, property, rules))(target.prototype, property);
}

/** Every class that has validation rules: all the DTOs of the API. */
export function describeValidatedClasses(): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function | string, unknown> };
  for (const target of storage.validationMetadatas.keys()) if (typeof target === 'function') describeValidatedClass(target);
}
