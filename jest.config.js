/**
 * Four kinds of tests, one runner. `npm test` runs them all, in band: the
 * integration and workflow suites start real servers, and the machines have
 * two cores.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'workflows', testMatch: ['<rootDir>/test/workflows/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/servers-timeout.ts'] },
    { ...common, displayName: 'replay', testMatch: ['<rootDir>/test/replay/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/servers-timeout.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/servers-timeout.ts'] },
  ],
};
