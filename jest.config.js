/** One jest run covers unit (libs/, apps/), contract and end-to-end (test/) suites. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test', '<rootDir>/scripts'],
  testRegex: '\\.(spec|test)\\.ts$',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@ledger/(domain|event-store|projections|policy|audit|application|access)$': '<rootDir>/libs/$1/src',
    '^@ledger/(domain|event-store|projections|policy|audit|application|access)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testTimeout: 30000,
};
