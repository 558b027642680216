import { parseStoreSetting, type RuntimeOptions, type StoreSetting, type TransportSetting } from '@bottango/runtime';

// In code, a typo is a compile error:
const store: StoreSetting = 'sqlite:./data/bottango.sqlite';
// @ts-expect-error -- 'sqlite' without a path is not a StoreSetting
const missingPath: StoreSetting = 'sqlite';
// @ts-expect-error -- memory is a store, not a transport
const transport: TransportSetting = 'memory';
const options: Pick<RuntimeOptions, 'store' | 'state' | 'transport'> = { store, state: 'memory', transport: 'in-process' };
console.log(JSON.stringify(options));

// A string from a command line, a file or the environment is checked the way createRuntime checks it:
console.log(parseStoreSetting(' redis://127.0.0.1:6379/2 '));
try {
  parseStoreSetting('postgres://db', '--store');
} catch (error) {
  console.log(String(error));
}
