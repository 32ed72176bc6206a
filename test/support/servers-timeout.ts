// Tests against real servers wait on them (workflow bundling, server start-up, timers); jest's 5 s is too short.
jest.setTimeout(120_000);
