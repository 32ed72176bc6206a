/** Where scripts/provision.sh links the provisioned tools in a clone. */
import path from 'node:path';

const TOOLS_BIN = path.resolve(__dirname, '..', '.tools', 'bin');

/** The Temporal CLI: `temporal server start-dev` and the supervisors' `workflow list`. */
export const TEMPORAL_CLI = path.join(TOOLS_BIN, 'temporal');

/** The time-skipping test server (Java), wrapped as an executable. */
export const TEMPORAL_TEST_SERVER = path.join(TOOLS_BIN, 'temporal-test-server');
