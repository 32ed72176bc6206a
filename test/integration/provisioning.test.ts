/**
 * What scripts/provision.sh leaves behind: the pinned Temporal CLI and test
 * server, linked into .tools/bin, and a second run that changes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../../local/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const versions = Object.fromEntries(
  readFileSync(path.join(ROOT, 'scripts/provision/versions.sh'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split('=') as [string, string]),
);

it('links the pinned Temporal CLI, built with its version stamped', () => {
  const version = execFileSync(TEMPORAL_CLI, ['--version'], { encoding: 'utf8' });
  expect(version).toContain(`temporal version ${versions.TEMPORAL_CLI_VERSION!.replace(/^v/, '')} (Server 1.29.`);
  expect(realpathSync(TEMPORAL_CLI)).toContain(`temporal-cli-${versions.TEMPORAL_CLI_VERSION}`);
});

it('wraps the pinned Java test server so that it passes the SDK’s arguments on and adds none', () => {
  const target = realpathSync(TEMPORAL_TEST_SERVER);
  expect(target).toContain(`temporal-test-server-${versions.TEMPORAL_TEST_SERVER_VERSION}`);
  const wrapper = readFileSync(target, 'utf8');
  expect(wrapper).toMatch(/exec java -cp "[^"]+\/lib\/\*" io\.temporal\.testserver\.TestServer "\$@"/);
  expect(wrapper).not.toContain('--enable-time-skipping');
});

it('does nothing the second time but check', () => {
  const before = [realpathSync(TEMPORAL_CLI), realpathSync(TEMPORAL_TEST_SERVER)];
  const run = spawnSync('bash', ['scripts/provision.sh'], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(run.stderr).toContain('[provision] ready: temporal version');
  expect(run.stderr).not.toMatch(/building|fetching|installing/);
  expect([realpathSync(TEMPORAL_CLI), realpathSync(TEMPORAL_TEST_SERVER)]).toEqual(before);
});
